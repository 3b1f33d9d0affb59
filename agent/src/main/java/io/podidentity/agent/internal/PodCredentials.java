package io.podidentity.agent.internal;

import java.time.Instant;
import java.util.Objects;

/**
 * Temporary credentials issued for one pod's token, as the agent hands them out.
 *
 * @param accessKeyId the access key id
 * @param secretAccessKey the secret (never logged)
 * @param sessionToken the session token (never logged)
 * @param accountId the 12-digit account of the assumed role
 * @param expiration when the credentials expire
 * @param associationId the pod identity association that granted them (for logs)
 */
public record PodCredentials(
    String accessKeyId,
    String secretAccessKey,
    String sessionToken,
    String accountId,
    Instant expiration,
    String associationId) {
  public PodCredentials {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    Objects.requireNonNull(sessionToken, "sessionToken");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(expiration, "expiration");
    Objects.requireNonNull(associationId, "associationId");
  }

  @Override
  public String toString() {
    return "PodCredentials{" + accessKeyId + ", expires " + expiration + ", " + associationId + "}";
  }
}
