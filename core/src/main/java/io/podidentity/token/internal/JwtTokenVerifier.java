package io.podidentity.token.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.podidentity.api.ApiException;
import io.podidentity.token.ClusterTrust;
import io.podidentity.token.JwkKeys;
import io.podidentity.token.ServiceAccountClaims;
import io.podidentity.token.TokenErrors;
import io.podidentity.token.TokenVerifier;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standard {@link TokenVerifier}. Checks, in this order, each failure with its EKS Auth code:
 *
 * <ol>
 *   <li>at most {@link #MAX_TOKEN_CHARS} characters, else InvalidTokenException;
 *   <li>the model's JwtToken shape (aws-models/eks-auth: {@code
 *       [A-Za-z0-9-_=]+\.[A-Za-z0-9-_=]+\.[A-Za-z0-9-_=]+}, matched in full), else
 *       InvalidParameterException — a request that breaks the operation's input model is a
 *       parameter error, as everywhere in the EKS APIs; a value of the right shape that is not a
 *       token of the cluster is InvalidTokenException;
 *   <li>the header is a JSON object whose {@code alg} is one of {@link #ALGORITHMS} ({@code none}
 *       and every HMAC algorithm are refused: a MAC keyed with the public key proves nothing) and
 *       which has no {@code crit}, else InvalidTokenException;
 *   <li>a key: by {@code kid} when the header has one (an unknown kid asks the source to re-fetch,
 *       rate-limited, then is InvalidTokenException); without a kid every key able to verify the
 *       algorithm is tried; the signature must verify, else InvalidTokenException;
 *   <li>the payload has the kube-apiserver layout ({@link ServiceAccountClaims#fromPayload}):
 *       {@code sub} = {@code system:serviceaccount:NS:SA} agreeing with {@code kubernetes.io}, pod
 *       name and uid present, else InvalidTokenException;
 *   <li>{@code iss} equals the cluster's issuer exactly and {@code aud} contains the cluster's
 *       audience, else InvalidTokenException;
 *   <li>{@code exp} not more than {@link #LEEWAY} in the past, else ExpiredTokenException;
 *   <li>{@code nbf} and {@code iat} not more than {@link #LEEWAY} in the future, else
 *       InvalidTokenException. The model documents ExpiredTokenException as "the token is expired",
 *       which a not-yet-valid token is not; kube-apiserver's own authenticator (go-jose {@code
 *       ValidateWithLeeway}) also reports it as an invalid token, not an expired one.
 * </ol>
 *
 * <p>Signature first, claims after: nothing an attacker wrote is interpreted before the signature
 * is known to be the cluster's. Error reasons are fixed sentences or name a claim; they never
 * contain the token.
 */
public final class JwtTokenVerifier implements TokenVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(JwtTokenVerifier.class);

  /** The largest token accepted: 16 KiB (kube-apiserver tokens are about 1 KiB). */
  public static final int MAX_TOKEN_CHARS = 16 * 1024;

  /** The clock skew allowed on {@code exp}, {@code nbf} and {@code iat}, as kube-apiserver. */
  public static final Duration LEEWAY = Duration.ofSeconds(60);

  /** The signature algorithms accepted. */
  public static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);

  private final Clock clock;

  public JwtTokenVerifier(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public ServiceAccountClaims verify(String token, ClusterTrust trust) {
    Objects.requireNonNull(trust, "trust");
    try {
      return doVerify(token, trust);
    } catch (ApiException e) {
      LOG.debug("cluster {}: token refused: {} {}", trust.clusterName(), e.code(), e.getMessage());
      throw e;
    }
  }

  /**
   * Whether {@code token} matches the model's JwtToken pattern {@code
   * [A-Za-z0-9-_=]+\\.[A-Za-z0-9-_=]+\\.[A-Za-z0-9-_=]+} by one scan: the regex cost ~10 % of an
   * AssumeRoleForPodIdentity call on a 1 KiB token.
   */
  static boolean isCompactJws(String token) {
    int dots = 0;
    int partLength = 0;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c == '.') {
        if (partLength == 0 || ++dots > 2) {
          return false;
        }
        partLength = 0;
      } else if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '=') {
        partLength++;
      } else {
        return false;
      }
    }
    return dots == 2 && partLength > 0;
  }

  private ServiceAccountClaims doVerify(String token, ClusterTrust trust) {
    if (token == null || token.isEmpty()) {
      throw TokenErrors.invalidParameter("The token parameter is required.");
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      throw TokenErrors.invalid("The token is longer than " + MAX_TOKEN_CHARS + " characters.");
    }
    if (!isCompactJws(token)) {
      throw TokenErrors.invalidParameter(
          "The token parameter must be a compact JWS: three base64url parts separated by '.'.");
    }
    int dot1 = token.indexOf('.');
    int dot2 = token.indexOf('.', dot1 + 1);
    Base64URL headerPart = new Base64URL(token.substring(0, dot1));
    Base64URL payloadPart = new Base64URL(token.substring(dot1 + 1, dot2));
    Base64URL signaturePart = new Base64URL(token.substring(dot2 + 1));

    JWSHeader header = header(headerPart);
    JWSAlgorithm alg = header.getAlgorithm();
    String kid = header.getKeyID();

    JwkKeys keys = trust.jwks().current();
    if (kid != null && !keys.containsKid(kid)) {
      keys = trust.jwks().onUnknownKid(kid);
      if (!keys.containsKid(kid)) {
        throw TokenErrors.invalid("The token is signed with a key the cluster does not have.");
      }
    }
    List<JWSVerifier> verifiers = keys.verifiers(kid, alg);
    if (verifiers.isEmpty()) {
      throw TokenErrors.invalid("No key of the cluster verifies the token's algorithm.");
    }
    byte[] signingInput =
        token.substring(0, dot2).getBytes(StandardCharsets.US_ASCII); // RFC 7515 §5.2
    if (!anyVerifies(verifiers, header, signingInput, signaturePart)) {
      throw TokenErrors.invalid("The token's signature does not verify.");
    }

    Map<String, Object> payload;
    try {
      payload = JSONObjectUtils.parse(payloadPart.decodeToString());
    } catch (ParseException | RuntimeException e) {
      throw TokenErrors.invalid("The token's payload is not a JSON object.");
    }
    ServiceAccountClaims claims;
    try {
      claims = ServiceAccountClaims.fromPayload(payload);
    } catch (IllegalArgumentException e) {
      throw TokenErrors.invalid("Bad claims: " + e.getMessage() + ".");
    }
    if (!claims.issuer().equals(trust.issuer())) {
      throw TokenErrors.invalid("The token's issuer is not the cluster's issuer.");
    }
    if (!claims.audiences().contains(trust.audience())) {
      throw TokenErrors.invalid("The token's audience does not include " + trust.audience() + ".");
    }
    Instant now = clock.instant();
    if (now.isAfter(claims.expiresAt().plus(LEEWAY))) {
      throw TokenErrors.expired();
    }
    if (claims.notBefore() != null && now.plus(LEEWAY).isBefore(claims.notBefore())) {
      throw TokenErrors.invalid("The token is not valid yet (nbf).");
    }
    if (claims.issuedAt() != null && now.plus(LEEWAY).isBefore(claims.issuedAt())) {
      throw TokenErrors.invalid("The token is issued in the future (iat).");
    }
    return claims;
  }

  private static JWSHeader header(Base64URL headerPart) {
    Map<String, Object> json;
    try {
      json = JSONObjectUtils.parse(headerPart.decodeToString());
    } catch (ParseException | RuntimeException e) {
      throw TokenErrors.invalid("The token's header is not a JSON object.");
    }
    if (!(json.get("alg") instanceof String algName)) {
      throw TokenErrors.invalid("The token's header has no alg.");
    }
    if (algName.toLowerCase(Locale.ROOT).equals("none")) {
      throw TokenErrors.invalid("Unsigned tokens (alg none) are not accepted.");
    }
    if (!ALGORITHMS.contains(JWSAlgorithm.parse(algName))) {
      throw TokenErrors.invalid(
          "The token's signature algorithm is not accepted; RS256 and ES256 are.");
    }
    if (json.containsKey("crit")) {
      throw TokenErrors.invalid("Tokens with critical header parameters are not accepted.");
    }
    try {
      return JWSHeader.parse(json, headerPart);
    } catch (ParseException | RuntimeException e) {
      throw TokenErrors.invalid("The token's header is not a valid JWS header.");
    }
  }

  private static boolean anyVerifies(
      List<JWSVerifier> verifiers, JWSHeader header, byte[] input, Base64URL signature) {
    for (JWSVerifier v : verifiers) {
      try {
        if (v.verify(header, input, signature)) {
          return true;
        }
      } catch (JOSEException | RuntimeException e) {
        // A malformed signature for this key type: it does not verify.
      }
    }
    return false;
  }
}
