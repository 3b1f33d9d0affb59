package io.podidentity.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ListenersTest {

  private static AgentConfig.Builder base() {
    return AgentConfig.builder()
        .clusterName("c")
        .endpoint("http://127.0.0.1:9")
        .credentials(new AgentCredentials.Static("AKID", "secret", Optional.empty()))
        .allowedHosts(java.util.Set.of("127.0.0.1"))
        .probeAddress(Optional.empty())
        .metricsAddress(Optional.empty());
  }

  private static RunningAgent start(AgentConfig c) {
    return Agent.start(c, Map.of(), Clock.systemUTC(), Duration.ofSeconds(10));
  }

  @Test
  void aMissingIpv6AddressIsAWarningWhenIpv4IsBound() {
    AgentConfig c =
        base().listen(new BindAddress("127.0.0.1", 0), new BindAddress("fd00:ec2::23", 0)).build();

    try (RunningAgent a = start(c)) {
      assertThat(a.credentialAddresses()).hasSize(1);
      assertThat(a.credentialAddresses().get(0).getAddress().getHostAddress())
          .isEqualTo("127.0.0.1");
    }
  }

  @Test
  void aMissingIpv4AddressIsFatalAndNamed() {
    AgentConfig c = base().listen(new BindAddress("169.254.170.23", 0)).build();

    assertThatThrownBy(() -> start(c))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("169.254.170.23:0");
  }

  @Test
  void onlyAMissingIpv6AddressIsFatalAndNamed() {
    AgentConfig c = base().listen(new BindAddress("fd00:ec2::23", 0)).build();

    assertThatThrownBy(() -> start(c))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("[fd00:ec2::23]:0");
  }

  @Test
  void anAddressInUseIsFatalAndNamed() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      AgentConfig c = base().listen(new BindAddress("127.0.0.1", taken.getLocalPort())).build();

      assertThatThrownBy(() -> start(c))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void aFailedStartLeavesNothingListening() throws IOException {
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    try (ServerSocket taken = new ServerSocket(0, 1, lo)) {
      int free;
      try (ServerSocket probe = new ServerSocket(0, 1, lo)) {
        free = probe.getLocalPort();
      }
      AgentConfig c =
          base()
              .listen(
                  new BindAddress("127.0.0.1", free),
                  new BindAddress("127.0.0.1", taken.getLocalPort()))
              .build();

      assertThatThrownBy(() -> start(c)).isInstanceOf(IllegalStateException.class);

      try (ServerSocket reuse = new ServerSocket(free, 1, lo)) {
        assertThat(reuse.isBound()).isTrue();
      }
    }
  }

  @Test
  void missingAgentCredentialsAreNamedAtStart() {
    AgentConfig c =
        base()
            .listen(new BindAddress("127.0.0.1", 0))
            .credentials(
                new AgentCredentials.SharedFile(java.nio.file.Path.of("/nonexistent/creds"), "p"))
            .build();

    assertThatThrownBy(() -> start(c))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/nonexistent/creds");
  }
}
