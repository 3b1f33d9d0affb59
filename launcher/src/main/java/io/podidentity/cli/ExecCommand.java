package io.podidentity.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code podidentity exec}: runs a command the way a pod of a service account would run on EKS — a
 * fresh projected token in a file and exactly the environment the webhook injects, pointed at the
 * local agent — so unmodified SDKs and the AWS CLI take their credentials from the container
 * credentials provider.
 */
@Command(
    name = "exec",
    mixinStandardHelpOptions = true,
    description = "Run a command as a pod of a service account would run.")
final class ExecCommand implements Callable<Integer> {
  /** Variables that would make an SDK use other credentials than the container provider's. */
  static final List<String> CLEARED =
      List.of(
          "AWS_PROFILE",
          "AWS_DEFAULT_PROFILE",
          "AWS_ACCESS_KEY_ID",
          "AWS_SECRET_ACCESS_KEY",
          "AWS_SESSION_TOKEN",
          "AWS_SHARED_CREDENTIALS_FILE",
          "AWS_CONFIG_FILE",
          "AWS_WEB_IDENTITY_TOKEN_FILE",
          "AWS_ROLE_ARN",
          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
          "AWS_CONTAINER_AUTHORIZATION_TOKEN");

  @Mixin TokenOptions token = new TokenOptions();

  @Option(
      names = "--endpoint-url",
      description =
          "AWS_ENDPOINT_URL for the command (default: where the issued credentials are valid — the"
              + " server itself with the builtin issuer, the STS endpoint with --issuer sts).")
  String endpointUrl;

  @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments.")
  List<String> command = new ArrayList<>();

  @Override
  public Integer call() throws IOException, InterruptedException {
    JsonNode local = LocalCluster.read(token.dataDir);
    Path dir = Files.createTempDirectory("podidentity-exec");
    Path file = dir.resolve("eks-pod-identity-token");
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      // No trailing newline: botocore, Go and Java reject a token header ending in one (§4.0).
      Files.writeString(file, token.mint(), StandardCharsets.UTF_8);
      ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
      Map<String, String> env = pb.environment();
      CLEARED.forEach(env::remove);
      String region = local.path("region").asText();
      env.put("AWS_STS_REGIONAL_ENDPOINTS", "regional");
      env.put("AWS_DEFAULT_REGION", region);
      env.put("AWS_REGION", region);
      env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", local.path("agent").asText());
      env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file.toString());
      String endpoint = endpointUrl != null ? endpointUrl : local.path("awsEndpoint").asText("");
      if (!endpoint.isEmpty()) {
        env.put("AWS_ENDPOINT_URL", endpoint);
      }
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage());
      }
      return p.waitFor();
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
    }
  }
}
