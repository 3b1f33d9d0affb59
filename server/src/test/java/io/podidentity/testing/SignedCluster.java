package io.podidentity.testing;

import io.podidentity.cluster.Cluster;
import io.podidentity.server.PodIdentityServer;
import io.podidentity.token.LocalSigningKey;
import io.podidentity.token.MintRequest;
import io.podidentity.token.TokenMinter;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * A cluster of a test server whose service-account tokens are signed by an in-memory {@link
 * LocalSigningKey} (its JWKS given inline), so tests can mint tokens the server accepts and tokens
 * with one defect each.
 */
public final class SignedCluster {
  private final String name;
  private final LocalSigningKey key;
  private final TokenMinter minter;

  private SignedCluster(String name, LocalSigningKey key, String issuer, Clock clock) {
    this.name = name;
    this.key = key;
    this.minter = new TokenMinter(key, issuer, clock);
  }

  /** The issuer a test cluster's tokens carry. */
  public static String issuerOf(String cluster) {
    return "https://podidentity.test/clusters/" + cluster;
  }

  /** Gives the test server's cluster {@code local} a fresh signing key (its JWKS is empty). */
  public static SignedCluster local(TestServer ts) {
    return keyed(ts.server(), "local", Clock.systemUTC());
  }

  /** Registers {@code name} (or re-keys it) with a fresh signing key; tokens use {@code clock}. */
  public static SignedCluster keyed(PodIdentityServer server, String name, Clock clock) {
    LocalSigningKey key = LocalSigningKey.generate();
    Cluster c =
        new Cluster(
            name,
            server.config().accountId(),
            server.config().region(),
            issuerOf(name),
            Optional.of(key.publicJwksJson()),
            Optional.empty(),
            Instant.now());
    if (server.clusters().find(name).isPresent()) {
      server.clusters().updateTrust(c);
    } else {
      server.clusters().add(c);
    }
    return new SignedCluster(name, key, issuerOf(name), clock);
  }

  public String name() {
    return name;
  }

  public String issuer() {
    return minter.issuer();
  }

  public LocalSigningKey key() {
    return key;
  }

  /** A valid token for {@code request}. */
  public String mint(MintRequest request) {
    return minter.mint(request);
  }

  /** A valid token for a pod of {@code namespace}/{@code serviceAccount}. */
  public String mint(String namespace, String serviceAccount) {
    return minter.mint(MintRequest.of(namespace, serviceAccount));
  }

  /** A token signed by this cluster's key but minted with another issuer or clock. */
  public String mint(MintRequest request, String issuer, Clock clock) {
    return new TokenMinter(key, issuer, clock).mint(request);
  }
}
