package io.podidentity.issuer;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Temporary credentials and the session they belong to.
 *
 * @param assumedRoleArn arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION (of the final role)
 * @param assumedRoleId ROLEID:SESSION
 * @param upstreamRequestId the request id of the (last) STS call, kept in the audit record
 */
public record IssuedCredentials(
    String accessKeyId,
    String secretAccessKey,
    String sessionToken,
    Instant expiration,
    String assumedRoleArn,
    String assumedRoleId,
    Optional<String> upstreamRequestId) {
  public IssuedCredentials {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    Objects.requireNonNull(sessionToken, "sessionToken");
    Objects.requireNonNull(expiration, "expiration");
    Objects.requireNonNull(assumedRoleArn, "assumedRoleArn");
    Objects.requireNonNull(assumedRoleId, "assumedRoleId");
    Objects.requireNonNull(upstreamRequestId, "upstreamRequestId");
  }

  @Override
  public String toString() {
    return "IssuedCredentials{"
        + accessKeyId
        + ", "
        + assumedRoleArn
        + ", until "
        + expiration
        + "}";
  }
}
