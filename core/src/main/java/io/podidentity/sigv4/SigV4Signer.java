package io.podidentity.sigv4;

import io.podidentity.sigv4.internal.Canonical;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Signs an outgoing request with SigV4 (header form). Used by podidentity's own clients: the agent
 * calling EKS Auth, the webhook and the CLI calling the server. Shares the canonical form with
 * {@link SigV4Verifier}.
 */
public final class SigV4Signer {
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private SigV4Signer() {}

  /** Credentials to sign with. */
  public record Credentials(String accessKeyId, String secretAccessKey, Optional<String> token) {
    @Override
    public String toString() {
      return "Credentials{" + accessKeyId + ", secret=***}";
    }
  }

  /**
   * The headers to add to a request so that it is signed: Host, X-Amz-Date, x-amz-content-sha256,
   * optionally X-Amz-Security-Token, and Authorization. {@code extraHeaders} (e.g. Content-Type)
   * are signed too and must be sent as given.
   */
  public static Map<String, String> sign(
      String method,
      URI uri,
      Map<String, String> extraHeaders,
      byte[] body,
      Credentials creds,
      String region,
      String service,
      Instant now) {
    String amzDate = AMZ_DATE.format(now);
    String date = amzDate.substring(0, 8);
    String host = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    String payloadHash = Canonical.sha256Hex(body == null ? new byte[0] : body);
    Map<String, String> out = new LinkedHashMap<>();
    out.put("Host", host);
    out.put("X-Amz-Date", amzDate);
    out.put("x-amz-content-sha256", payloadHash);
    creds.token().ifPresent(t -> out.put("X-Amz-Security-Token", t));
    out.putAll(extraHeaders);
    Map<String, List<String>> hv = new LinkedHashMap<>();
    List<String> names = new ArrayList<>();
    out.forEach(
        (k, v) -> {
          hv.put(k, List.of(v));
          names.add(k.toLowerCase(Locale.ROOT));
        });
    names.sort(String::compareTo);
    String rawPath =
        uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    HttpRequestView view = new HttpRequestView(method, rawPath, uri.getRawQuery(), hv, body);
    String canonical = Canonical.request(view, names, payloadHash);
    String scope = date + "/" + region + "/" + service + "/aws4_request";
    String sig =
        Canonical.signature(
            Canonical.signingKey(creds.secretAccessKey(), date, region, service),
            Canonical.stringToSign(amzDate, scope, canonical));
    out.put(
        "Authorization",
        Canonical.ALGORITHM
            + " Credential="
            + creds.accessKeyId()
            + "/"
            + scope
            + ", SignedHeaders="
            + String.join(";", names)
            + ", Signature="
            + sig);
    return out;
  }
}
