package io.podidentity.sigv4;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the verifier needs to know about an access key: its secret, and for temporary credentials
 * the session token that must accompany it and when it expires. {@code principal} is opaque to the
 * verifier and handed back on success.
 *
 * @param <P> the caller's identity type
 */
public record SigningSecret<P>(
    String accessKeyId,
    String secretAccessKey,
    Optional<String> sessionToken,
    Optional<Instant> expiresAt,
    P principal) {
  public SigningSecret {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    Objects.requireNonNull(sessionToken, "sessionToken");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(principal, "principal");
  }

  @Override
  public String toString() {
    return "SigningSecret{" + accessKeyId + ", secret=***}";
  }
}
