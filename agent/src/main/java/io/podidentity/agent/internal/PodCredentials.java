package io.podidentity.agent.internal;

import java.time.Instant;
import java.util.Objects;

/**
 * Temporary credentials issued for one pod's token, as the agent hands them out. Immutable; the
 * container-credentials JSON body is rendered once here, because a cached entry is served many
 * times (a final class rather than a record only to hold that memoized body).
 */
public final class PodCredentials {
  private final String accessKeyId;
  private final String secretAccessKey;
  private final String sessionToken;
  private final String accountId;
  private final Instant expiration;
  private final String associationId;
  private final byte[] body;

  /**
   * @param accessKeyId the access key id
   * @param secretAccessKey the secret (never logged)
   * @param sessionToken the session token (never logged)
   * @param accountId the 12-digit account of the assumed role
   * @param expiration when the credentials expire
   * @param associationId the pod identity association that granted them (for logs)
   */
  public PodCredentials(
      String accessKeyId,
      String secretAccessKey,
      String sessionToken,
      String accountId,
      Instant expiration,
      String associationId) {
    this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
    this.secretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    this.sessionToken = Objects.requireNonNull(sessionToken, "sessionToken");
    this.accountId = Objects.requireNonNull(accountId, "accountId");
    this.expiration = Objects.requireNonNull(expiration, "expiration");
    this.associationId = Objects.requireNonNull(associationId, "associationId");
    this.body = CredentialsHandler.render(this);
  }

  public String accessKeyId() {
    return accessKeyId;
  }

  public String secretAccessKey() {
    return secretAccessKey;
  }

  public String sessionToken() {
    return sessionToken;
  }

  public String accountId() {
    return accountId;
  }

  public Instant expiration() {
    return expiration;
  }

  public String associationId() {
    return associationId;
  }

  /** The 200 body of {@code /v1/credentials}; callers must not modify it. */
  byte[] body() {
    return body;
  }

  @Override
  public String toString() {
    return "PodCredentials{" + accessKeyId + ", expires " + expiration + ", " + associationId + "}";
  }
}
