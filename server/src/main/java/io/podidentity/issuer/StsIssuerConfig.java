package io.podidentity.issuer;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * How {@link StsIssuer} reaches an STS-compatible endpoint (AWS STS, Ceph RGW, MinIO, moto).
 *
 * <p>The timeouts bound one {@link StsIssuer#issue} as a whole, chained target role and the
 * MaxSessionDuration retry included, so that EKS Auth answers the agent (and the agent the pod's
 * SDK, whose container-credentials providers give up after 1–2 s, aws-wire-protocols.md §4) with a
 * clear ServiceUnavailableException rather than a hang.
 *
 * @param endpoint the STS endpoint, {@code http} or {@code https}, e.g. {@code
 *     https://sts.eu-west-1.amazonaws.com} or {@code http://rgw.example:8000}
 * @param signingRegion the SigV4 region (RGW and MinIO accept any; AWS wants the endpoint's)
 * @param credentials the server's own identity: the default AWS chain unless given
 * @param connectTimeout TCP connect timeout per attempt
 * @param callTimeout the budget for one whole {@code issue}, every STS call and retry included
 * @param maxAttempts attempts per STS call (1 = no retry); retried are connection failures, 5xx and
 *     throttling, with a short backoff
 */
public record StsIssuerConfig(
    URI endpoint,
    String signingRegion,
    AwsCredentialsProvider credentials,
    Duration connectTimeout,
    Duration callTimeout,
    int maxAttempts) {
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(500);
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(2);
  public static final int DEFAULT_MAX_ATTEMPTS = 2;

  /** More attempts than this cannot fit a sensible budget; a config asking for more is a typo. */
  public static final int MAX_ATTEMPTS_LIMIT = 5;

  public StsIssuerConfig {
    Objects.requireNonNull(endpoint, "endpoint");
    String scheme = endpoint.getScheme();
    if (!endpoint.isAbsolute()
        || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
        || endpoint.getHost() == null) {
      throw new IllegalArgumentException(
          "endpoint must be an http or https URL with a host, was " + endpoint);
    }
    if (endpoint.getUserInfo() != null) {
      throw new IllegalArgumentException("endpoint must not carry user info (credentials)");
    }
    if (signingRegion == null || signingRegion.isBlank()) {
      throw new IllegalArgumentException("signingRegion must not be blank");
    }
    Objects.requireNonNull(credentials, "credentials");
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(callTimeout, "callTimeout");
    if (connectTimeout.compareTo(callTimeout) > 0) {
      throw new IllegalArgumentException(
          "connectTimeout ("
              + connectTimeout.toMillis()
              + " ms) must not exceed callTimeout ("
              + callTimeout.toMillis()
              + " ms)");
    }
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
      throw new IllegalArgumentException(
          "maxAttempts must be 1-" + MAX_ATTEMPTS_LIMIT + ", was " + maxAttempts);
    }
  }

  /** The endpoint and region with the server's identity from the default AWS chain. */
  public static StsIssuerConfig of(URI endpoint, String signingRegion) {
    return new StsIssuerConfig(
        endpoint,
        signingRegion,
        DefaultCredentialsProvider.builder().build(),
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_CALL_TIMEOUT,
        DEFAULT_MAX_ATTEMPTS);
  }

  public StsIssuerConfig withCredentials(AwsCredentialsProvider provider) {
    return new StsIssuerConfig(
        endpoint, signingRegion, provider, connectTimeout, callTimeout, maxAttempts);
  }

  public StsIssuerConfig withTimeouts(Duration connect, Duration call) {
    return new StsIssuerConfig(endpoint, signingRegion, credentials, connect, call, maxAttempts);
  }

  public StsIssuerConfig withMaxAttempts(int attempts) {
    return new StsIssuerConfig(
        endpoint, signingRegion, credentials, connectTimeout, callTimeout, attempts);
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }

  /** Names the credentials provider's type only: a static provider would otherwise print a key. */
  @Override
  public String toString() {
    return "StsIssuerConfig{"
        + endpoint
        + ", region "
        + signingRegion
        + ", credentials "
        + credentials.getClass().getSimpleName()
        + ", connect "
        + connectTimeout.toMillis()
        + " ms, call "
        + callTimeout.toMillis()
        + " ms, "
        + maxAttempts
        + " attempts}";
  }
}
