package io.podidentity.token;

import io.podidentity.token.internal.JwtTokenVerifier;
import java.time.Clock;

/**
 * Verifies a Kubernetes projected service-account token against one cluster's trust.
 *
 * <p>Errors are {@link io.podidentity.api.ApiException}s with the EKS Auth codes (see {@link
 * TokenErrors}); their messages never contain the token.
 */
public interface TokenVerifier {

  /**
   * Returns the token's claims if it is authentic and currently valid for {@code trust}, else
   * throws {@link io.podidentity.api.ApiException}.
   */
  ServiceAccountClaims verify(String token, ClusterTrust trust);

  /** The standard verifier (see {@link JwtTokenVerifier} for the rules) with the given clock. */
  static TokenVerifier standard(Clock clock) {
    return new JwtTokenVerifier(clock);
  }
}
