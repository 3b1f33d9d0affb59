package io.podidentity.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.podidentity.token.LocalSigningKey;
import io.podidentity.token.MintRequest;
import io.podidentity.token.TokenMinter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Option;

/** Which pod a minted token speaks for (shared by {@code token} and {@code exec}). */
final class TokenOptions {
  @Option(
      names = "--data-dir",
      defaultValue = "./.podidentity",
      description = "Data dir of the running instance.")
  Path dataDir;

  @Option(
      names = {"-n", "--namespace"},
      required = true,
      description = "Namespace.")
  String namespace;

  @Option(names = "--service-account", required = true, description = "Service account.")
  String serviceAccount;

  @Option(names = "--pod", description = "Pod name (default: generated like a Deployment's pod).")
  String pod;

  @Option(names = "--pod-uid", description = "Pod uid (default: random).")
  String podUid;

  @Option(names = "--node", description = "Node name (default: local-node).")
  String node;

  @Option(
      names = "--audience",
      defaultValue = "pods.eks.amazonaws.com",
      description = "Audience (default: ${DEFAULT-VALUE}).")
  String audience;

  @Option(
      names = "--expires-in",
      defaultValue = "86400",
      description = "Lifetime in seconds (default: ${DEFAULT-VALUE}).")
  long expiresIn;

  /** A token for the local cluster of the instance in {@link #dataDir}. */
  String mint() {
    JsonNode local = LocalCluster.read(dataDir);
    LocalSigningKey key = LocalSigningKey.loadOrCreate(dataDir);
    MintRequest req = MintRequest.of(namespace, serviceAccount);
    if (pod != null || podUid != null) {
      req =
          req.withPod(
              pod != null ? pod : req.podName(),
              podUid != null ? podUid : UUID.randomUUID().toString());
    }
    if (node != null) {
      req = req.withNode(node);
    }
    req = req.withAudiences(List.of(audience)).withExpiresIn(Duration.ofSeconds(expiresIn));
    return new TokenMinter(key, local.path("issuer").asText(), Clock.systemUTC()).mint(req);
  }
}
