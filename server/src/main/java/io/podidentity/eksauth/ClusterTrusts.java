package io.podidentity.eksauth;

import io.podidentity.cluster.Cluster;
import io.podidentity.token.ClusterTrust;
import io.podidentity.token.JwksFetchOptions;
import io.podidentity.token.JwksSource;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The token trust of each cluster, built once per cluster definition: parsing an inline JWKS or
 * creating a fetching JWKS source (with its cache and rate-limited re-fetch) is not repeated per
 * request. A changed cluster definition gets a fresh trust.
 */
final class ClusterTrusts {
  /** The audience every pod identity token must carry (aws-wire-protocols.md §2). */
  static final String AUDIENCE = "pods.eks.amazonaws.com";

  private final Clock clock;
  private final Map<Cluster, ClusterTrust> trusts = new ConcurrentHashMap<>();

  ClusterTrusts(Clock clock) {
    this.clock = clock;
  }

  ClusterTrust of(Cluster c) {
    return trusts.computeIfAbsent(c, this::build);
  }

  void forget(String clusterName) {
    trusts.keySet().removeIf(c -> c.name().equals(clusterName));
  }

  private ClusterTrust build(Cluster c) {
    forget(c.name());
    JwksSource source =
        c.jwks().isPresent()
            ? JwksSource.inline(c.jwks().get())
            : JwksSource.fromUrl(
                URI.create(c.jwksUri().orElseThrow()), JwksFetchOptions.DEFAULTS, clock);
    return new ClusterTrust(c.name(), c.issuer(), AUDIENCE, source);
  }
}
