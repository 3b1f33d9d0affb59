package io.podidentity.sigv4;

import io.podidentity.sigv4.internal.Canonical;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Verifies AWS Signature Version 4 on an incoming request (header form: {@code Authorization:
 * AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...}).
 *
 * <p>Checks, in this order: the header is present and complete; X-Amz-Date is within 15 minutes of
 * the server clock (AWS's documented window); the credential scope's date equals X-Amz-Date's day,
 * and region and service are accepted by {@code scopeCheck}; the access key is known; for temporary
 * credentials, X-Amz-Security-Token matches and the session has not expired; the body hash matches
 * x-amz-content-sha256 when sent; and finally the signature, compared in constant time.
 *
 * @param <P> the caller's identity type, handed back on success
 */
public final class SigV4Verifier<P> {
  /** AWS rejects requests whose X-Amz-Date is more than 15 minutes away from its clock. */
  public static final Duration MAX_SKEW = Duration.ofMinutes(15);

  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final int MAX_AUTH_HEADER = 8192;

  private static final int MAX_DERIVED_KEYS = 10_000;

  private final java.util.Map<String, DerivedKey> derivedKeys =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final SecretLookup<P> secrets;
  private final BiPredicate<String, String> scopeCheck;
  private final Clock clock;

  /**
   * @param secrets resolves access key ids
   * @param scopeCheck accepts (region, service) of the credential scope
   * @param clock the server clock
   */
  public SigV4Verifier(
      SecretLookup<P> secrets, BiPredicate<String, String> scopeCheck, Clock clock) {
    this.secrets = Objects.requireNonNull(secrets);
    this.scopeCheck = Objects.requireNonNull(scopeCheck);
    this.clock = Objects.requireNonNull(clock);
  }

  /** The outcome of verification. */
  public sealed interface Result<P> {}

  /** The request is authentic. */
  public record Verified<P>(P principal, String accessKeyId, String region, String service)
      implements Result<P> {}

  /** The request is not authentic; {@code message} is safe to return to the caller. */
  public record Rejected<P>(AuthFailure failure, String message) implements Result<P> {}

  /** The parsed Authorization header. */
  public record Authorization(
      String accessKeyId,
      String date,
      String region,
      String service,
      List<String> signedHeaders,
      String signature) {}

  /**
   * The credential scope's service of a request, without verifying anything; empty when the request
   * carries no parseable Authorization header. Used to route a request to its protocol.
   */
  public static Optional<String> scopeService(String authorizationHeader) {
    try {
      return Optional.ofNullable(parse(authorizationHeader)).map(Authorization::service);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  public Result<P> verify(HttpRequestView req) {
    String header = req.header("Authorization");
    if (header == null || header.isBlank()) {
      return reject(AuthFailure.MISSING, "Missing Authentication Token");
    }
    Authorization auth;
    try {
      auth = parse(header);
    } catch (IllegalArgumentException e) {
      return reject(AuthFailure.INCOMPLETE, e.getMessage());
    }
    if (auth == null) {
      return reject(
          AuthFailure.INCOMPLETE,
          "Authorization header requires the AWS4-HMAC-SHA256 algorithm; only SigV4 is supported.");
    }
    String amzDate = req.header("X-Amz-Date");
    if (amzDate == null) {
      return reject(
          AuthFailure.INCOMPLETE,
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    }
    Instant signedAt;
    try {
      signedAt = AMZ_DATE.parse(amzDate, Instant::from);
    } catch (DateTimeParseException e) {
      return reject(AuthFailure.INCOMPLETE, "X-Amz-Date must be in the form yyyyMMdd'T'HHmmss'Z'.");
    }
    Instant now = clock.instant();
    if (signedAt.isBefore(now.minus(MAX_SKEW)) || signedAt.isAfter(now.plus(MAX_SKEW))) {
      String nowStr = AMZ_DATE.format(now);
      String bound =
          signedAt.isBefore(now)
              ? amzDate
                  + " is now earlier than "
                  + AMZ_DATE.format(now.minus(MAX_SKEW))
                  + " ("
                  + nowStr
                  + " - 15 min.)"
              : amzDate
                  + " is now later than "
                  + AMZ_DATE.format(now.plus(MAX_SKEW))
                  + " ("
                  + nowStr
                  + " + 15 min.)";
      return reject(AuthFailure.SIGNATURE_EXPIRED, "Signature expired: " + bound);
    }
    if (!auth.date().equals(amzDate.substring(0, 8))) {
      return reject(
          AuthFailure.BAD_SCOPE,
          "Credential should be scoped to a valid date: " + amzDate.substring(0, 8) + ".");
    }
    if (!scopeCheck.test(auth.region(), auth.service())) {
      return reject(
          AuthFailure.BAD_SCOPE,
          "Credential should be scoped to a valid region and service, not '"
              + auth.region()
              + "/"
              + auth.service()
              + "'.");
    }
    if (!auth.signedHeaders().contains("host")) {
      return reject(AuthFailure.INCOMPLETE, "'Host' must be a signed header.");
    }
    Optional<SigningSecret<P>> found = secrets.find(auth.accessKeyId());
    if (found.isEmpty()) {
      return reject(
          AuthFailure.UNKNOWN_KEY, "The security token included in the request is invalid.");
    }
    SigningSecret<P> secret = found.get();
    String token = req.header("X-Amz-Security-Token");
    if (secret.sessionToken().isPresent()) {
      if (token == null || !constantTimeEquals(token, secret.sessionToken().get())) {
        return reject(
            AuthFailure.BAD_TOKEN, "The security token included in the request is invalid.");
      }
      if (secret.expiresAt().isPresent() && !now.isBefore(secret.expiresAt().get())) {
        return reject(
            AuthFailure.EXPIRED_TOKEN, "The security token included in the request is expired");
      }
    } else if (token != null && !token.isEmpty()) {
      return reject(
          AuthFailure.BAD_TOKEN, "The security token included in the request is invalid.");
    }
    String bodyHash = Canonical.sha256Hex(req.body());
    String declared = req.header("x-amz-content-sha256");
    String payloadHash = bodyHash;
    if (declared != null) {
      if (declared.equals("UNSIGNED-PAYLOAD")) {
        payloadHash = declared;
      } else if (!declared.equalsIgnoreCase(bodyHash)) {
        return reject(
            AuthFailure.BAD_SIGNATURE,
            "The provided 'x-amz-content-sha256' header does not match what was computed.");
      }
    }
    String canonical = Canonical.request(req, auth.signedHeaders(), payloadHash);
    String scope = auth.date() + "/" + auth.region() + "/" + auth.service() + "/aws4_request";
    String expected =
        Canonical.signature(
            signingKey(auth, secret.secretAccessKey()),
            Canonical.stringToSign(amzDate, scope, canonical));
    if (!constantTimeEquals(expected, auth.signature())) {
      return reject(
          AuthFailure.BAD_SIGNATURE,
          "The request signature we calculated does not match the signature you provided. Check"
              + " your AWS Secret Access Key and signing method. Consult the service documentation"
              + " for details.");
    }
    return new Verified<>(secret.principal(), auth.accessKeyId(), auth.region(), auth.service());
  }

  /**
   * Parses an Authorization header; null when it is not AWS4-HMAC-SHA256, an exception naming the
   * missing part when it is incomplete.
   */
  static Authorization parse(String header) {
    if (header == null) {
      return null;
    }
    if (header.length() > MAX_AUTH_HEADER) {
      throw new IllegalArgumentException("Authorization header is too long.");
    }
    String h = header.strip();
    if (!h.startsWith(Canonical.ALGORITHM + " ")) {
      return null;
    }
    String credential = null;
    String signedHeaders = null;
    String signature = null;
    for (String part : h.substring(Canonical.ALGORITHM.length() + 1).split(",")) {
      String p = part.strip();
      int eq = p.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String k = p.substring(0, eq);
      String v = p.substring(eq + 1);
      switch (k) {
        case "Credential" -> credential = v;
        case "SignedHeaders" -> signedHeaders = v;
        case "Signature" -> signature = v;
        default -> {}
      }
    }
    List<String> missing = new ArrayList<>();
    if (credential == null) {
      missing.add("Credential");
    }
    if (signedHeaders == null) {
      missing.add("SignedHeaders");
    }
    if (signature == null) {
      missing.add("Signature");
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "Authorization header requires "
              + String.join(", ", missing.stream().map(m -> "'" + m + "'").toList())
              + " parameter"
              + (missing.size() > 1 ? "s" : "")
              + ". Authorization=AWS4-HMAC-SHA256 ...");
    }
    String[] scope = credential.split("/");
    if (scope.length != 5 || !scope[4].equals("aws4_request") || scope[0].isEmpty()) {
      throw new IllegalArgumentException(
          "Credential should be scoped to a valid region, not '" + safe(credential) + "'.");
    }
    try {
      LocalDate.parse(scope[1], DateTimeFormatter.BASIC_ISO_DATE);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "Credential should be scoped to a valid date, not '" + safe(scope[1]) + "'.");
    }
    List<String> headers =
        Arrays.stream(signedHeaders.split(";")).map(s -> s.toLowerCase(Locale.ROOT)).toList();
    if (!isHex64(signature)) {
      throw new IllegalArgumentException("Signature must be 64 hexadecimal characters.");
    }
    return new Authorization(scope[0], scope[1], scope[2], scope[3], headers, signature);
  }

  /**
   * The derived signing key, which changes only with the day, region, service and secret: four
   * HMACs per request saved for callers that sign many requests a day (the node agents).
   */
  private byte[] signingKey(Authorization auth, String secretAccessKey) {
    String id = auth.accessKeyId() + "/" + auth.date() + "/" + auth.region() + "/" + auth.service();
    DerivedKey k = derivedKeys.get(id);
    if (k != null
        && MessageDigest.isEqual(k.secret(), secretAccessKey.getBytes(StandardCharsets.UTF_8))) {
      return k.key();
    }
    byte[] key = Canonical.signingKey(secretAccessKey, auth.date(), auth.region(), auth.service());
    if (derivedKeys.size() >= MAX_DERIVED_KEYS) {
      derivedKeys.clear();
    }
    derivedKeys.put(id, new DerivedKey(secretAccessKey.getBytes(StandardCharsets.UTF_8), key));
    return key;
  }

  private record DerivedKey(byte[] secret, byte[] key) {}

  private static boolean isHex64(String s) {
    if (s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }

  private static String safe(String s) {
    // The scope never holds a secret, but may hold anything; keep error messages short.
    return s.length() > 128 ? s.substring(0, 128) + "..." : s;
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private Result<P> reject(AuthFailure f, String message) {
    return new Rejected<>(f, message);
  }

  /** Services whose scope is checked by {@link #regionAndServices}. */
  public static BiPredicate<String, String> regionAndServices(
      String region, Set<String> services, Set<String> globalServices) {
    return (r, s) ->
        (services.contains(s) && r.equals(region))
            || (globalServices.contains(s) && (r.equals("us-east-1") || r.equals(region)));
  }
}
