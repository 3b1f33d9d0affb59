package io.podidentity.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A bare HTTP/1.1 client, to send what real clients would not (any Host, huge headers). */
final class RawHttp {
  private RawHttp() {}

  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  static Response get(int port, String path, String host, Map<String, String> headers)
      throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
      if (host != null) {
        req.append("Host: ").append(host).append("\r\n");
      }
      headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
      req.append("Connection: close\r\n\r\n");
      OutputStream out = s.getOutputStream();
      try {
        out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      } catch (java.net.SocketException e) {
        // the server answered and closed before reading an oversized request: read the answer
      }
      return parse(s.getInputStream());
    }
  }

  private static Response parse(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    int headEnd = -1;
    int contentLength = -1;
    byte[] buf = new byte[8192];
    int n;
    try {
      while ((n = in.read(buf)) > 0) {
        all.write(buf, 0, n);
        String sofar = all.toString(StandardCharsets.ISO_8859_1);
        if (headEnd < 0) {
          headEnd = sofar.indexOf("\r\n\r\n");
          if (headEnd >= 0) {
            for (String line : sofar.substring(0, headEnd).split("\r\n")) {
              if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                contentLength = Integer.parseInt(line.substring(15).strip());
              }
            }
          }
        }
        if (headEnd >= 0 && contentLength >= 0 && all.size() >= headEnd + 4 + contentLength) {
          break;
        }
      }
    } catch (java.net.SocketException e) {
      // the server may reset after answering a request it refused to read
    }
    String text = all.toString(StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    String head = end < 0 ? text : text.substring(0, end);
    String body = end < 0 ? "" : text.substring(end + 4);
    String[] lines = head.split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> h = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int c = lines[i].indexOf(':');
      if (c > 0) {
        h.put(
            lines[i].substring(0, c).strip().toLowerCase(Locale.ROOT),
            lines[i].substring(c + 1).strip());
      }
    }
    return new Response(status, h, body);
  }
}
