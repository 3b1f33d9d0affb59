package io.podidentity.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podidentity.association.AssociationService;
import io.podidentity.server.ServerConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code podidentity up}: one instance per data dir, clear failures, and a restart keeps all. */
class UpCommandTest {
  static ServerConfig config(Path dir, int port) {
    return new ServerConfig(
        dir,
        "127.0.0.1",
        port,
        "111122223333",
        "us-east-1",
        ServerConfig.Issuer.BUILTIN,
        Optional.empty(),
        Optional.empty());
  }

  @Test
  void aSecondInstanceOnTheSameDataDirFailsWithAClearMessage() throws Exception {
    Path dir = Files.createTempDirectory("up");
    try (UpCommand.Embedded first = UpCommand.Embedded.start(config(dir, 0), "local", 0, 0)) {
      assertThat(first.server.dataDir().root()).isEqualTo(dir.toAbsolutePath().normalize());
      assertThatThrownBy(() -> UpCommand.Embedded.start(config(dir, 0), "local", 0, 0))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is in use by another podidentity")
          .hasMessageContaining("pid " + ProcessHandle.current().pid());
    }
  }

  @Test
  void aTakenPortFailsWithAClearMessageAndReleasesTheDataDir() throws Exception {
    Path dir = Files.createTempDirectory("up");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(
              () -> UpCommand.Embedded.start(config(dir, taken.getLocalPort()), "local", 0, 0))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("127.0.0.1:" + taken.getLocalPort())
          .hasMessageContaining("already in use");
    }
    // The failed start left nothing locked behind.
    UpCommand.Embedded.start(config(dir, 0), "local", 0, 0).close();
  }

  @Test
  void aTakenAgentPortFailsWithAMessageNamingIt() throws Exception {
    Path dir = Files.createTempDirectory("up");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(
              () -> UpCommand.Embedded.start(config(dir, 0), "local", taken.getLocalPort(), 0))
          .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
    }
    UpCommand.Embedded.start(config(dir, 0), "local", 0, 0).close();
  }

  @Test
  void aTakenWebhookPortFailsWithAMessageNamingIt() throws Exception {
    Path dir = Files.createTempDirectory("up");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(
              () -> UpCommand.Embedded.start(config(dir, 0), "local", 0, taken.getLocalPort()))
          .hasMessageContaining(Integer.toString(taken.getLocalPort()));
    }
    UpCommand.Embedded.start(config(dir, 0), "local", 0, 0).close();
  }

  @Test
  void aRestartReusesTheCredentialsAndTheAssociations() throws Exception {
    Path dir = Files.createTempDirectory("up");
    String admin;
    String id;
    try (UpCommand.Embedded up = UpCommand.Embedded.start(config(dir, 0), "local", 0, 0)) {
      admin = up.server.adminKey().accessKeyId();
      id =
          up.server
              .associations()
              .create(
                  "local",
                  new AssociationService.CreateRequest(
                      "default",
                      "my-service-account",
                      "arn:aws:iam::111122223333:role/my-role",
                      Optional.empty(),
                      Optional.empty(),
                      Optional.empty(),
                      Optional.empty(),
                      Optional.empty()))
              .associationId();
    }
    String credentials = Files.readString(dir.resolve("credentials"));
    try (UpCommand.Embedded up = UpCommand.Embedded.start(config(dir, 0), "local", 0, 0)) {
      assertThat(up.server.adminKey().accessKeyId()).isEqualTo(admin);
      assertThat(Files.readString(dir.resolve("credentials"))).isEqualTo(credentials);
      assertThat(up.server.associations().describe("local", id).serviceAccount())
          .isEqualTo("my-service-account");
    }
  }

  @Test
  void theQuickstartNamesEveryEndpointAndTheProfile() throws Exception {
    Path dir = Files.createTempDirectory("up");
    try (UpCommand.Embedded up = UpCommand.Embedded.start(config(dir, 0), "local", 0, 0)) {
      assertThat(up.quickstart())
          .contains(up.server.endpoint())
          .contains(up.agentUri().toString())
          .contains("https://127.0.0.1:")
          .contains("AWS_PROFILE=podidentity")
          .contains("aws eks create-pod-identity-association --cluster-name local");
    }
  }
}
