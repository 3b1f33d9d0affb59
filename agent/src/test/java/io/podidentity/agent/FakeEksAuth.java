package io.podidentity.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.podidentity.sigv4.HttpRequestView;
import io.podidentity.sigv4.SigV4Verifier;
import io.podidentity.sigv4.SigningSecret;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small real EKS Auth server for tests: checks the SigV4 signature (service eks-auth) with core's
 * verifier, then answers with credentials derived from the token's subject, a canned error, or
 * after a delay.
 */
final class FakeEksAuth implements AutoCloseable {
  static final String AGENT_KEY = "AKIDAGENTEXAMPLE";
  static final String AGENT_SECRET = "agent-secret-do-not-log";
  static final String CLUSTER = "test-cluster";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A canned error answer. */
  record Failure(int status, String code, String message) {}

  private final HttpServer server;
  private final Clock clock;
  private final SigV4Verifier<String> verifier;
  final AtomicInteger calls = new AtomicInteger();
  final Map<String, AtomicInteger> callsBySubject = new ConcurrentHashMap<>();
  final List<String> signatureFailures = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger issued = new AtomicInteger();
  volatile Failure failure;
  volatile Duration delay = Duration.ZERO;
  volatile Duration lifetime = Duration.ofHours(1);

  FakeEksAuth(Clock clock) throws IOException {
    this.clock = clock;
    this.verifier =
        new SigV4Verifier<>(
            id ->
                id.equals(AGENT_KEY)
                    ? Optional.of(
                        new SigningSecret<>(
                            AGENT_KEY, AGENT_SECRET, Optional.empty(), Optional.empty(), "agent"))
                    : Optional.empty(),
            SigV4Verifier.regionAndServices("us-east-1", Set.of("eks-auth"), Set.of()),
            clock);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  int port() {
    return server.getAddress().getPort();
  }

  void stop() {
    server.stop(0);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      Map<String, List<String>> headers = new LinkedHashMap<>(ex.getRequestHeaders());
      HttpRequestView view =
          new HttpRequestView(
              ex.getRequestMethod(),
              ex.getRequestURI().getRawPath(),
              ex.getRequestURI().getRawQuery(),
              headers,
              body);
      if (verifier.verify(view) instanceof SigV4Verifier.Rejected<String> r) {
        signatureFailures.add(r.message());
        send(ex, 403, "InvalidSignatureException", r.message());
        return;
      }
      if (!ex.getRequestURI()
          .getRawPath()
          .equals("/clusters/" + CLUSTER + "/assume-role-for-pod-identity")) {
        send(ex, 404, "ResourceNotFoundException", "No cluster found for name: x.");
        return;
      }
      calls.incrementAndGet();
      String token = JSON.readTree(body).path("token").asText();
      String subject = subjectOf(token);
      callsBySubject.computeIfAbsent(subject, k -> new AtomicInteger()).incrementAndGet();
      if (!delay.isZero()) {
        Thread.sleep(delay.toMillis());
      }
      Failure f = failure;
      if (f != null) {
        send(ex, f.status(), f.code(), f.message());
        return;
      }
      int n = issued.incrementAndGet();
      long exp = clock.instant().plus(lifetime).getEpochSecond();
      String json =
          "{\"subject\":{\"namespace\":\"ns\",\"serviceAccount\":\""
              + subject
              + "\"},\"audience\":\"pods.eks.amazonaws.com\","
              + "\"podIdentityAssociation\":{\"associationArn\":\"arn:aws:eks:us-east-1:111122223333:podidentityassociation/test-cluster/a-1\",\"associationId\":\"a-1\"},"
              + "\"assumedRoleUser\":{\"arn\":\"arn:aws:sts::111122223333:assumed-role/role-"
              + subject
              + "/eks-test-pod\",\"assumeRoleId\":\"AROAEXAMPLE:eks-test-pod\"},"
              + "\"credentials\":{\"accessKeyId\":\"ASIA"
              + n
              + subject.toUpperCase(java.util.Locale.ROOT)
              + "\",\"secretAccessKey\":\"secret-"
              + subject
              + "-"
              + n
              + "\",\"sessionToken\":\"session-"
              + subject
              + "-"
              + n
              + "\",\"expiration\":"
              + exp
              + "}}";
      byte[] out = json.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.getResponseHeaders().set("x-amzn-RequestId", "req-" + n);
      ex.sendResponseHeaders(200, out.length);
      ex.getResponseBody().write(out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void send(HttpExchange ex, int status, String code, String message)
      throws IOException {
    byte[] out =
        ("{\"__type\":\"" + code + "\",\"message\":\"" + message + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.getResponseHeaders().set("x-amzn-ErrorType", code);
    ex.getResponseHeaders().set("x-amzn-RequestId", "req-err");
    ex.sendResponseHeaders(status, out.length);
    ex.getResponseBody().write(out);
  }

  /** The service account name in the token's {@code sub}, or "?" when it cannot be read. */
  static String subjectOf(String token) {
    try {
      String[] parts = token.split("\\.");
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      String sub = claims.path("sub").asText();
      return sub.substring(sub.lastIndexOf(':') + 1);
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }
}
