package io.podidentity.agent.internal;

import io.podidentity.api.ApiException;
import io.podidentity.sigv4.SigV4Signer;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the server's EKS Auth API, {@code POST
 * /clusters/{clusterName}/assume-role-for-pod-identity} with body {@code {"token":"..."}},
 * SigV4-signed for service {@code eks-auth} with the agent's own credentials (aws-wire-protocols.md
 * §2). Retries connection failures and 5xx answers (not timeouts, not throttling) up to {@code
 * attempts} times with a short jittered pause.
 */
public final class EksAuthClient implements CredentialSource {
  private static final Logger LOG = LoggerFactory.getLogger(EksAuthClient.class);
  private static final int MAX_RESPONSE_BYTES = 64 * 1024;
  private static final Set<String> RESTRICTED = Set.of("host", "content-length");

  private final URI uri;
  private final String endpointForMessages;
  private final String region;
  private final Supplier<SigV4Signer.Credentials> credentials;
  private final Duration timeout;
  private final int attempts;
  private final AgentMetrics metrics;
  private final Clock clock;
  private final HttpClient http;
  private volatile long lastContactNanos = Long.MIN_VALUE;

  public EksAuthClient(
      URI endpoint,
      String clusterName,
      String region,
      Supplier<SigV4Signer.Credentials> credentials,
      Duration connectTimeout,
      Duration timeout,
      int attempts,
      AgentMetrics metrics,
      Clock clock) {
    String base = withoutDefaultPort(endpoint).toString().replaceAll("/+$", "");
    this.uri =
        URI.create(
            base
                + "/clusters/"
                + URLEncoder.encode(clusterName, StandardCharsets.UTF_8)
                + "/assume-role-for-pod-identity");
    this.endpointForMessages = base;
    this.region = region;
    this.credentials = credentials;
    this.timeout = timeout;
    this.attempts = attempts;
    this.metrics = metrics;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * The endpoint without an explicit default port: java.net.http sends {@code Host: h} for {@code
   * http://h:80}, and the signed Host must be what is sent.
   */
  private static URI withoutDefaultPort(URI u) {
    boolean dflt =
        (u.getPort() == 80 && "http".equalsIgnoreCase(u.getScheme()))
            || (u.getPort() == 443 && "https".equalsIgnoreCase(u.getScheme()));
    if (!dflt) {
      return u;
    }
    return URI.create(u.toString().replaceFirst(":" + u.getPort(), ""));
  }

  /** Nanos ({@link System#nanoTime()}) of the last HTTP answer of any status from the server. */
  public long lastContactNanos() {
    return lastContactNanos;
  }

  /** The endpoint host and port, for reachability checks. */
  public URI uri() {
    return uri;
  }

  @Override
  public PodCredentials fetch(String token) {
    ApiException last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        return once(token);
      } catch (Retryable r) {
        last = r.error;
        if (attempt < attempts) {
          sleep(50L * attempt + ThreadLocalRandom.current().nextLong(50));
        }
      }
    }
    throw last;
  }

  /** A failure that another attempt may fix: connection refused/reset, 5xx. */
  private static final class Retryable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient ApiException error;

    Retryable(ApiException error) {
      super(null, null, false, false);
      this.error = error;
    }
  }

  private PodCredentials once(String token) {
    byte[] body =
        ("{\"token\":" + CredentialsHandler.quoted(token) + "}").getBytes(StandardCharsets.UTF_8);
    Map<String, String> signed =
        SigV4Signer.sign(
            "POST",
            uri,
            Map.of("Content-Type", "application/json"),
            body,
            credentials.get(),
            region,
            "eks-auth",
            clock.instant());
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    signed.forEach(
        (k, v) -> {
          if (!RESTRICTED.contains(k.toLowerCase(java.util.Locale.ROOT))) {
            rb.header(k, v);
          }
        });
    long start = System.nanoTime();
    HttpResponse<byte[]> resp;
    try {
      resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpConnectTimeoutException e) {
      ApiException err = AgentErrors.unreachable(endpointForMessages, "connect timed out");
      metrics.upstream(System.nanoTime() - start, err.code());
      throw new Retryable(err);
    } catch (HttpTimeoutException e) {
      ApiException err = AgentErrors.timeout(endpointForMessages);
      metrics.upstream(System.nanoTime() - start, err.code());
      throw err;
    } catch (ConnectException e) {
      ApiException err = AgentErrors.unreachable(endpointForMessages, "connection refused");
      metrics.upstream(System.nanoTime() - start, err.code());
      throw new Retryable(err);
    } catch (IOException e) {
      ApiException err =
          AgentErrors.unreachable(
              endpointForMessages, e.getClass().getSimpleName() + " " + e.getMessage());
      metrics.upstream(System.nanoTime() - start, err.code());
      throw new Retryable(err);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw AgentErrors.unreachable(endpointForMessages, "interrupted");
    }
    long took = System.nanoTime() - start;
    lastContactNanos = System.nanoTime();
    if (resp.statusCode() == 200) {
      try {
        PodCredentials creds = parse(resp.body());
        metrics.upstream(took, null);
        LOG.debug(
            "EKS Auth answered in {} ms: {} for association {}",
            took / 1_000_000,
            creds.accessKeyId(),
            creds.associationId());
        return creds;
      } catch (ApiException e) {
        metrics.upstream(took, e.code());
        throw e;
      }
    }
    ApiException err = errorFrom(resp);
    metrics.upstream(took, err.code());
    LOG.info("EKS Auth answered {} {} in {} ms", resp.statusCode(), err.code(), took / 1_000_000);
    if (resp.statusCode() >= 500) {
      throw new Retryable(err);
    }
    throw err;
  }

  private ApiException errorFrom(HttpResponse<byte[]> resp) {
    String code = resp.headers().firstValue("x-amzn-ErrorType").orElse(null);
    String message = resp.headers().firstValue("x-amzn-error-message").orElse(null);
    String reqId = resp.headers().firstValue("x-amzn-RequestId").orElse(null);
    byte[] b = resp.body();
    if (b != null && b.length > 0 && b.length <= MAX_RESPONSE_BYTES) {
      try {
        Object n = MiniJson.parse(new String(b, StandardCharsets.UTF_8));
        if (code == null) {
          code = text(n, "__type", "code", "Code");
        }
        if (message == null) {
          message = text(n, "message", "Message", "errorMessage");
        }
      } catch (MiniJson.MalformedJson | NumberFormatException e) {
        // not JSON: keep what the headers said
      }
    }
    if (code != null) {
      // Sanitise as the SDKs do: "Foo:http://..." -> Foo, "ns#Foo" -> Foo.
      int colon = code.indexOf(':');
      if (colon >= 0) {
        code = code.substring(0, colon);
      }
      int hash = code.lastIndexOf('#');
      if (hash >= 0) {
        code = code.substring(hash + 1);
      }
    }
    return AgentErrors.fromEksAuth(code, resp.statusCode(), message, reqId);
  }

  private static String text(Object n, String... names) {
    for (String name : names) {
      if (MiniJson.get(n, name) instanceof String v) {
        return v;
      }
    }
    return null;
  }

  /** Parses a 200 answer of AssumeRoleForPodIdentity. */
  static PodCredentials parse(byte[] body) {
    if (body.length > MAX_RESPONSE_BYTES) {
      throw AgentErrors.badResponse("the answer is larger than " + MAX_RESPONSE_BYTES + " bytes");
    }
    Object root;
    try {
      root = MiniJson.parse(new String(body, StandardCharsets.UTF_8));
    } catch (MiniJson.MalformedJson | NumberFormatException e) {
      throw AgentErrors.badResponse("the answer is not JSON");
    }
    if (!(root instanceof Map<?, ?>)) {
      throw AgentErrors.badResponse("the answer is not a JSON object");
    }
    Object c = MiniJson.get(root, "credentials");
    String akid = required(c, "credentials.accessKeyId", "accessKeyId");
    String secret = required(c, "credentials.secretAccessKey", "secretAccessKey");
    String session = required(c, "credentials.sessionToken", "sessionToken");
    Instant expiration = epoch(MiniJson.get(c, "expiration"));
    String arn = required(MiniJson.get(root, "assumedRoleUser"), "assumedRoleUser.arn", "arn");
    String account = accountOf(arn);
    String assoc =
        MiniJson.get(MiniJson.get(root, "podIdentityAssociation"), "associationId")
                instanceof String a
            ? a
            : "";
    return new PodCredentials(akid, secret, session, account, expiration, assoc);
  }

  private static String required(Object parent, String path, String name) {
    if (MiniJson.get(parent, name) instanceof String v && !v.isEmpty()) {
      return v;
    }
    throw AgentErrors.badResponse(path + " is missing");
  }

  static Instant epoch(Object v) {
    if (v == null) {
      throw AgentErrors.badResponse("credentials.expiration is missing");
    }
    try {
      if (v instanceof BigDecimal bd) {
        if (bd.signum() <= 0 || bd.compareTo(BigDecimal.valueOf(253402300799L)) > 0) {
          throw AgentErrors.badResponse("credentials.expiration is out of range");
        }
        long secs = bd.longValue();
        int nanos = bd.subtract(BigDecimal.valueOf(secs)).movePointRight(9).intValue();
        return Instant.ofEpochSecond(secs, nanos);
      }
      if (v instanceof String str) {
        if (str.matches("\\d{1,15}(\\.\\d{1,9})?")) {
          return epoch(new BigDecimal(str));
        }
        return Instant.parse(str);
      }
    } catch (ArithmeticException | DateTimeParseException e) {
      // fall through
    }
    throw AgentErrors.badResponse("credentials.expiration is not a timestamp");
  }

  /** The account id of an ARN ({@code arn:partition:service:region:account:resource}). */
  static String accountOf(String arn) {
    String[] parts = arn.split(":", 6);
    if (parts.length == 6 && parts[0].equals("arn") && parts[4].matches("\\d{12}")) {
      return parts[4];
    }
    throw AgentErrors.badResponse("assumedRoleUser.arn is not an ARN with an account id");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
