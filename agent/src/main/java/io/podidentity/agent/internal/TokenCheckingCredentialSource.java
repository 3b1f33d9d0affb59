package io.podidentity.agent.internal;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Rejects tokens that cannot succeed before they cost a server call: not a JWT (the EKS Auth
 * model's pattern {@code [A-Za-z0-9-_=]+\.[A-Za-z0-9-_=]+\.[A-Za-z0-9-_=]+}), a payload that is not
 * a JSON object, {@code exp} in the past, {@code nbf} in the future (60 s leeway). The signature is
 * the server's to check, as in AWS's agent. Sits below the cache, so only misses pay for the parse.
 */
public final class TokenCheckingCredentialSource implements CredentialSource {
  /** EKS Auth's JwtToken has no documented maximum; 16 KiB is far above any kubelet token. */
  public static final int MAX_TOKEN_CHARS = 16 * 1024;

  private static final Duration NBF_LEEWAY = Duration.ofSeconds(60);

  private final CredentialSource delegate;
  private final Clock clock;

  public TokenCheckingCredentialSource(CredentialSource delegate, Clock clock) {
    this.delegate = delegate;
    this.clock = clock;
  }

  @Override
  public PodCredentials fetch(String token) {
    check(token, clock.instant());
    return delegate.fetch(token);
  }

  static void check(String token, Instant now) {
    if (token.length() > MAX_TOKEN_CHARS) {
      throw AgentErrors.invalidToken("it is longer than " + MAX_TOKEN_CHARS + " characters");
    }
    int dots = 0;
    int firstDot = -1;
    int secondDot = -1;
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c == '.') {
        dots++;
        if (dots == 1) {
          firstDot = i;
        } else if (dots == 2) {
          secondDot = i;
        }
      } else if (!((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '=')) {
        throw AgentErrors.invalidToken(
            "it is not a JWT (character at position " + i + " is not base64url)");
      }
    }
    if (dots != 2
        || firstDot == 0
        || secondDot == firstDot + 1
        || secondDot == token.length() - 1) {
      throw AgentErrors.invalidToken("it is not a JWT (three base64url parts separated by dots)");
    }
    Object claims;
    try {
      String payload = token.substring(firstDot + 1, secondDot).replace("=", "");
      claims =
          MiniJson.parse(
              new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      // MalformedJson, NumberFormatException and bad base64 are all IllegalArgumentExceptions
      throw AgentErrors.invalidToken("its payload is not base64url-encoded JSON");
    }
    if (!(claims instanceof java.util.Map<?, ?>)) {
      throw AgentErrors.invalidToken("its payload is not a JSON object");
    }
    if (MiniJson.get(claims, "exp") instanceof BigDecimal exp) {
      Instant at = Instant.ofEpochSecond(exp.longValue());
      if (!at.isAfter(now)) {
        throw AgentErrors.expiredToken("expired at " + at);
      }
    }
    if (MiniJson.get(claims, "nbf") instanceof BigDecimal nbf) {
      Instant at = Instant.ofEpochSecond(nbf.longValue());
      if (at.isAfter(now.plus(NBF_LEEWAY))) {
        throw AgentErrors.expiredToken("is not valid before " + at);
      }
    }
  }
}
