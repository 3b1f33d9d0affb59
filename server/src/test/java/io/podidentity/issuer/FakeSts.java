package io.podidentity.issuer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A small real STS Query endpoint on loopback that records every request and answers from a script:
 * {@link #answer} queues answers, the last one repeats. Answers are AWS STS's own XML shapes (STS
 * API reference, AssumeRole; errors as {@code <ErrorResponse><Error>}).
 */
final class FakeSts implements AutoCloseable {
  /** One recorded request: the form parameters and the headers that matter. */
  record Call(Map<String, String> params, String authorization, String securityToken) {
    String param(String name) {
      return params.get(name);
    }
  }

  /** What to answer: status, body, and how long to wait first. */
  record Answer(int status, String body, Duration delay) {}

  private final HttpServer server;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Deque<Answer> script = new ArrayDeque<>();
  private int counter;

  FakeSts() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  synchronized FakeSts answer(Answer a) {
    script.addLast(a);
    return this;
  }

  /** A successful AssumeRole for {@code roleArn}, keys numbered by call. */
  FakeSts success() {
    return answer(new Answer(200, null, Duration.ZERO));
  }

  FakeSts error(int status, String code, String message) {
    return answer(new Answer(status, errorXml(code, message), Duration.ZERO));
  }

  FakeSts slow(Duration delay) {
    return answer(new Answer(200, null, delay));
  }

  private synchronized Answer next() {
    return script.size() > 1 ? script.removeFirst() : script.getFirst();
  }

  private void handle(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, String> params = parseForm(body);
    calls.add(
        new Call(
            params,
            ex.getRequestHeaders().getFirst("Authorization"),
            ex.getRequestHeaders().getFirst("X-Amz-Security-Token")));
    Answer a = next();
    if (!a.delay().isZero()) {
      try {
        Thread.sleep(a.delay());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    int n;
    synchronized (this) {
      n = ++counter;
    }
    String requestId = "fake-request-" + n;
    String out = a.body() != null ? a.body() : successXml(params, n);
    out = out.replace("REQUEST_ID", requestId);
    byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "text/xml");
    ex.getResponseHeaders().add("x-amzn-RequestId", requestId);
    try {
      ex.sendResponseHeaders(a.status(), bytes.length);
      ex.getResponseBody().write(bytes);
    } catch (IOException clientGone) {
      // the issuer gave up first (timeouts): nothing to answer
    } finally {
      ex.close();
    }
  }

  static String successXml(Map<String, String> params, int n) {
    String roleArn = params.getOrDefault("RoleArn", "arn:aws:iam::111122223333:role/unknown");
    String session = params.getOrDefault("RoleSessionName", "session");
    String[] arn = roleArn.split(":", 6);
    String account = arn.length == 6 ? arn[4] : "";
    String roleName = roleArn.substring(roleArn.lastIndexOf('/') + 1);
    return """
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleResult>
            <Credentials>
              <AccessKeyId>ASIAFAKE%d</AccessKeyId>
              <SecretAccessKey>fake-secret-%d</SecretAccessKey>
              <SessionToken>fake-token-%d</SessionToken>
              <Expiration>2031-01-01T00:00:00Z</Expiration>
            </Credentials>
            <AssumedRoleUser>
              <AssumedRoleId>AROAFAKE:%s</AssumedRoleId>
              <Arn>arn:aws:sts::%s:assumed-role/%s/%s</Arn>
            </AssumedRoleUser>
            <PackedPolicySize>6</PackedPolicySize>
          </AssumeRoleResult>
          <ResponseMetadata><RequestId>REQUEST_ID</RequestId></ResponseMetadata>
        </AssumeRoleResponse>"""
        .formatted(n, n, n, session, account, roleName, session);
  }

  static String errorXml(String code, String message) {
    return """
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>
          <RequestId>REQUEST_ID</RequestId>
        </ErrorResponse>"""
        .formatted(code, message);
  }

  private static Map<String, String> parseForm(String body) {
    Map<String, String> m = new LinkedHashMap<>();
    if (body.isEmpty()) {
      return m;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      m.put(k, v);
    }
    return m;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
