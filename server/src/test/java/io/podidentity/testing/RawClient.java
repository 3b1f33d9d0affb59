package io.podidentity.testing;

import io.podidentity.sigv4.SigV4Signer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Sends hand-made (optionally SigV4-signed) requests, for wire-level tests. */
public final class RawClient {
  private final URI endpoint;
  private final SigV4Signer.Credentials creds;
  private final HttpClient http = HttpClient.newHttpClient();

  public RawClient(URI endpoint, String accessKeyId, String secret) {
    this.endpoint = endpoint;
    this.creds = new SigV4Signer.Credentials(accessKeyId, secret, Optional.empty());
  }

  public HttpResponse<String> signed(
      String method, String pathAndQuery, String body, String service) {
    return signed(method, pathAndQuery, body, service, "application/json");
  }

  public HttpResponse<String> signed(
      String method, String pathAndQuery, String body, String service, String contentType) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    URI uri = URI.create(endpoint + pathAndQuery);
    Map<String, String> extra = new LinkedHashMap<>();
    if (contentType != null) {
      extra.put("Content-Type", contentType);
    }
    Map<String, String> h =
        SigV4Signer.sign(method, uri, extra, bytes, creds, "us-east-1", service, Instant.now());
    return send(method, uri, h, bytes);
  }

  public HttpResponse<String> unsigned(String method, String pathAndQuery, String body) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    return send(method, URI.create(endpoint + pathAndQuery), Map.of(), bytes);
  }

  public HttpResponse<String> send(
      String method, URI uri, Map<String, String> headers, byte[] body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(
        (k, v) -> {
          if (!k.equalsIgnoreCase("Host")) {
            b.header(k, v);
          }
        });
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
