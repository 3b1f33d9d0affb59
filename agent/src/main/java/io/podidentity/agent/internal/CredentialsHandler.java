package io.podidentity.agent.internal;

import io.podidentity.agent.AgentConfig;
import io.podidentity.api.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/credentials}: checks the Host header against the allowed hosts (403), takes the
 * token from {@code Authorization} (raw, or with a {@code Bearer } prefix; 400 when absent), and
 * answers the credentials in the container-credentials format every SDK accepts
 * (aws-wire-protocols.md §4.0), keys in the order of AWS's agent:
 *
 * <pre>{"AccessKeyId":"ASIA...","SecretAccessKey":"...","Token":"...","AccountId":"111122223333",
 * "Expiration":"2026-11-23T21:30:00Z"}</pre>
 *
 * <p>Errors are {@code {"code","message"}} with {@code Content-Type: application/json}, which the
 * Go, Java and JS SDKs show to the user; statuses per {@link AgentErrors}. Nothing here logs or
 * echoes the token or a secret.
 */
public final class CredentialsHandler implements MiniHttpServer.Handler {
  private static final Logger LOG = LoggerFactory.getLogger(CredentialsHandler.class);
  private static final byte[] JSON_NO_STORE =
      MiniHttpServer.concat(
          MiniHttpServer.JSON, MiniHttpServer.headerLine("Cache-Control", "no-store"));
  private static final byte[] JSON_RETRY_AFTER =
      MiniHttpServer.concat(MiniHttpServer.JSON, MiniHttpServer.headerLine("Retry-After", "1"));

  private final CredentialSource source;
  private final Set<String> allowedHosts;
  private final int maxHeaderBytes;
  private final AgentMetrics metrics;

  public CredentialsHandler(
      CredentialSource source, Set<String> allowedHosts, int maxHeaderBytes, AgentMetrics metrics) {
    this.source = source;
    this.allowedHosts = Set.copyOf(allowedHosts);
    this.maxHeaderBytes = maxHeaderBytes;
    this.metrics = metrics;
  }

  @Override
  public MiniHttpServer.Response handle(MiniHttpServer.Request req) {
    PodCredentials creds;
    try {
      if (req.headerBytes() > maxHeaderBytes) {
        throw new ApiException(
            "RequestHeaderTooLarge",
            431,
            "The request headers are larger than " + maxHeaderBytes + " bytes.");
      }
      String host = req.host() == null ? "" : req.host();
      if (!allowed(host)) {
        throw AgentErrors.invalidHost(host, allowedHosts);
      }
      String token = token(req.authorization());
      creds = source.fetch(token);
    } catch (ApiException e) {
      return error(e);
    } catch (RuntimeException e) {
      LOG.error("Unexpected failure answering /v1/credentials", e);
      return error(
          new ApiException("InternalError", 500, "The agent failed unexpectedly; see its log."));
    }
    metrics.request(200);
    return new MiniHttpServer.Response(200, JSON_NO_STORE, creds.body());
  }

  /** The last Host checked: clients send the same one every time; spares normalizing it. */
  private record HostCheck(String host, boolean allowed) {}

  private volatile HostCheck lastHost = new HostCheck("", false);

  private boolean allowed(String host) {
    HostCheck last = lastHost;
    if (last.host().equals(host)) {
      return last.allowed();
    }
    boolean allowed = allowedHosts.contains(AgentConfig.normalizeHost(host));
    lastHost = new HostCheck(host, allowed);
    return allowed;
  }

  /** The token from an Authorization value: verbatim, or after a {@code Bearer } prefix. */
  static String token(String authorization) {
    if (authorization == null) {
      throw AgentErrors.missingToken();
    }
    String t = authorization.strip();
    if (t.regionMatches(true, 0, "Bearer ", 0, 7)) {
      t = t.substring(7).strip();
    }
    if (t.isEmpty()) {
      throw AgentErrors.missingToken();
    }
    return t;
  }

  private MiniHttpServer.Response error(ApiException e) {
    metrics.request(e.status());
    LOG.debug("Answered {} {}", e.status(), e.code());
    boolean retry = e.status() == 429 || e.status() == 503;
    return new MiniHttpServer.Response(
        e.status(),
        retry ? JSON_RETRY_AFTER : MiniHttpServer.JSON,
        errorBody(e.code(), e.getMessage()));
  }

  /** {@code {"code":"...","message":"..."}}. */
  public static byte[] errorBody(String code, String message) {
    StringBuilder b = new StringBuilder(64 + message.length());
    b.append("{\"code\":");
    quote(b, code);
    b.append(",\"message\":");
    quote(b, message);
    b.append('}');
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The success body, keys in the order of AWS's agent. */
  public static byte[] render(PodCredentials c) {
    StringBuilder b = new StringBuilder(256 + c.sessionToken().length());
    b.append("{\"AccessKeyId\":");
    quote(b, c.accessKeyId());
    b.append(",\"SecretAccessKey\":");
    quote(b, c.secretAccessKey());
    b.append(",\"Token\":");
    quote(b, c.sessionToken());
    b.append(",\"AccountId\":");
    quote(b, c.accountId());
    b.append(",\"Expiration\":\"");
    rfc3339(b, c.expiration());
    b.append("\"}");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * RFC 3339 in UTC with {@code Z}, fractional seconds only when non-zero and without trailing
   * zeros: Go's {@code time.RFC3339Nano}, as AWS's agent writes it.
   */
  public static String rfc3339(Instant t) {
    StringBuilder b = new StringBuilder(32);
    rfc3339(b, t);
    return b.toString();
  }

  private static void rfc3339(StringBuilder b, Instant t) {
    LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
    int year = d.getYear();
    if (year < 0 || year > 9999) {
      throw new IllegalArgumentException("year out of range: " + year);
    }
    pad(b, year, 4).append('-');
    pad(b, d.getMonthValue(), 2).append('-');
    pad(b, d.getDayOfMonth(), 2).append('T');
    pad(b, d.getHour(), 2).append(':');
    pad(b, d.getMinute(), 2).append(':');
    pad(b, d.getSecond(), 2);
    int nanos = t.getNano();
    if (nanos != 0) {
      StringBuilder f = new StringBuilder(9);
      pad(f, nanos, 9);
      int end = 9;
      while (f.charAt(end - 1) == '0') {
        end--;
      }
      b.append('.').append(f, 0, end);
    }
    b.append('Z');
  }

  private static StringBuilder pad(StringBuilder b, int v, int width) {
    String s = Integer.toString(v);
    for (int i = s.length(); i < width; i++) {
      b.append('0');
    }
    return b.append(s);
  }

  /** {@code s} as a JSON string literal. */
  static String quoted(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2);
    quote(b, s);
    return b.toString();
  }

  private static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
