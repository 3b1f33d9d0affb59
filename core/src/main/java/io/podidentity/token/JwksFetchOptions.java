package io.podidentity.token;

import java.time.Duration;
import java.util.Objects;

/**
 * How a JWKS given by URL is fetched and cached.
 *
 * @param connectTimeout TCP/TLS connect timeout
 * @param requestTimeout the whole request, headers to last byte
 * @param refreshInterval how old a successfully fetched key set may get before it is re-fetched
 * @param minFetchInterval the least time between two fetch attempts of one source, whatever
 *     triggered them (periodic refresh, unknown kid, earlier failure): a flood of tokens naming
 *     unknown key ids cannot hammer the issuer
 * @param maxBytes the largest JWKS document accepted
 */
public record JwksFetchOptions(
    Duration connectTimeout,
    Duration requestTimeout,
    Duration refreshInterval,
    Duration minFetchInterval,
    int maxBytes) {

  /**
   * 2 s connect, 5 s request, refresh hourly, at most one fetch per 30 s, documents up to 1 MiB.
   */
  public static final JwksFetchOptions DEFAULTS =
      new JwksFetchOptions(
          Duration.ofSeconds(2),
          Duration.ofSeconds(5),
          Duration.ofHours(1),
          Duration.ofSeconds(30),
          1 << 20);

  public JwksFetchOptions {
    positive("connectTimeout", connectTimeout);
    positive("requestTimeout", requestTimeout);
    positive("refreshInterval", refreshInterval);
    Objects.requireNonNull(minFetchInterval, "minFetchInterval");
    if (minFetchInterval.isNegative()) {
      throw new IllegalArgumentException(
          "minFetchInterval must not be negative, was " + minFetchInterval);
    }
    if (maxBytes < 64) {
      throw new IllegalArgumentException("maxBytes must be at least 64, was " + maxBytes);
    }
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }

  /** These options with another minimum time between fetches. */
  public JwksFetchOptions withMinFetchInterval(Duration d) {
    return new JwksFetchOptions(connectTimeout, requestTimeout, refreshInterval, d, maxBytes);
  }

  /** These options with another refresh interval. */
  public JwksFetchOptions withRefreshInterval(Duration d) {
    return new JwksFetchOptions(connectTimeout, requestTimeout, d, minFetchInterval, maxBytes);
  }
}
