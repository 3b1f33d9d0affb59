package io.podidentity.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.podidentity.cluster.Cluster;
import io.podidentity.http.Json;
import io.podidentity.server.DataDir;
import io.podidentity.server.PodIdentityServer;
import io.podidentity.token.LocalSigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The local cluster of {@code podidentity up}: its service-account signing key lives in the data
 * dir, its issuer is fixed, and {@code local-cluster.json} tells {@code podidentity token} and
 * {@code exec} where the running instance's server and agent are.
 */
record LocalCluster(String name, String issuer, String region, String account) {
  static final String FILE = "local-cluster.json";

  static String issuerFor(String cluster) {
    return "https://podidentity.local/clusters/" + cluster;
  }

  /** Registers (or re-keys) the cluster with the data dir's signing key. */
  static LocalCluster register(PodIdentityServer server, String name) {
    LocalSigningKey key = LocalSigningKey.loadOrCreate(server.dataDir().root());
    Cluster want =
        new Cluster(
            name,
            server.config().accountId(),
            server.config().region(),
            issuerFor(name),
            Optional.of(key.publicJwksJson()),
            Optional.empty(),
            Instant.now());
    Cluster have = server.clusters().ensure(want);
    if (!have.jwks().equals(want.jwks()) || !have.issuer().equals(want.issuer())) {
      server.clusters().updateTrust(want);
    }
    return new LocalCluster(name, want.issuer(), want.region(), want.accountId());
  }

  /**
   * @param awsEndpoint where credentials issued here are valid: the server itself with the builtin
   *     issuer, the external STS endpoint otherwise
   */
  void write(DataDir dir, String serverUrl, String agentUrl, String awsEndpoint) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cluster", name);
    m.put("issuer", issuer);
    m.put("region", region);
    m.put("account", account);
    m.put("server", serverUrl);
    m.put("agent", agentUrl);
    m.put("awsEndpoint", awsEndpoint);
    dir.writePrivate(FILE, new String(Json.write(m), StandardCharsets.UTF_8));
  }

  /** What a running instance wrote into its data dir. */
  static JsonNode read(Path dataDir) {
    Path f = dataDir.resolve(FILE);
    if (!Files.exists(f)) {
      throw new IllegalStateException(
          "no running podidentity found in "
              + dataDir.toAbsolutePath()
              + " (start it with 'podidentity up', or pass --data-dir)");
    }
    try {
      return Json.MAPPER.readTree(Files.readString(f));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f, e);
    }
  }
}
