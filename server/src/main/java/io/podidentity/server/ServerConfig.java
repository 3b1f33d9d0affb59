package io.podidentity.server;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The server's configuration, parsed once and immutable. Errors name the field and the bad value.
 *
 * @param dataDir where the store, keys and credentials live
 * @param host the address to listen on
 * @param port the port (0 = any free port)
 * @param accountId the account of the default cluster and of the builtin IAM
 * @param region the region of the server's ARNs and of SigV4 scopes
 * @param issuer which issuer hands out credentials
 * @param stsEndpoint the external STS endpoint (issuer STS only)
 * @param stsRegion the region to sign external STS calls for (issuer STS only)
 */
public record ServerConfig(
    Path dataDir,
    String host,
    int port,
    String accountId,
    String region,
    Issuer issuer,
    Optional<URI> stsEndpoint,
    Optional<String> stsRegion) {
  private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");

  /** Where credentials come from. */
  public enum Issuer {
    /** The server's own IAM and STS (embedded default). */
    BUILTIN,
    /** An external STS-compatible endpoint (AWS STS, Ceph RGW, MinIO, moto). */
    STS
  }

  public ServerConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, was " + port);
    }
    if (accountId == null || !ACCOUNT.matcher(accountId).matches()) {
      throw new IllegalArgumentException("account must be 12 digits, was '" + accountId + "'");
    }
    if (region == null || !REGION.matcher(region).matches()) {
      throw new IllegalArgumentException("region must look like us-east-1, was '" + region + "'");
    }
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(stsEndpoint, "stsEndpoint");
    Objects.requireNonNull(stsRegion, "stsRegion");
    if (issuer == Issuer.STS && stsEndpoint.isEmpty()) {
      throw new IllegalArgumentException("issuer sts needs --sts-endpoint");
    }
    if (issuer == Issuer.BUILTIN && stsEndpoint.isPresent()) {
      throw new IllegalArgumentException("--sts-endpoint is only used with --issuer sts");
    }
  }

  /** Defaults of the embedded mode: 127.0.0.1:7700, account 111122223333, us-east-1. */
  public static ServerConfig defaults(Path dataDir) {
    return new ServerConfig(
        dataDir,
        "127.0.0.1",
        7700,
        "111122223333",
        "us-east-1",
        Issuer.BUILTIN,
        Optional.empty(),
        Optional.empty());
  }

  public ServerConfig withPort(int p) {
    return new ServerConfig(dataDir, host, p, accountId, region, issuer, stsEndpoint, stsRegion);
  }
}
