package io.podidentity.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AgentConfigTest {

  private static AgentConfig.Builder minimal() {
    return AgentConfig.builder()
        .clusterName("prod-1")
        .endpoint("http://10.0.0.5:7700/")
        .credentials(new AgentCredentials.Environment());
  }

  @Test
  void defaultsMatchAwsAgent() {
    AgentConfig c = minimal().build();

    assertThat(c.listen())
        .containsExactly(
            new BindAddress("169.254.170.23", 80), new BindAddress("fd00:ec2::23", 80));
    assertThat(c.allowedHosts()).containsExactlyInAnyOrder("169.254.170.23", "fd00:ec2::23");
    assertThat(c.probeAddress()).contains(new BindAddress("127.0.0.1", 2703));
    assertThat(c.metricsAddress()).contains(new BindAddress("0.0.0.0", 2705));
    assertThat(c.cacheSize()).isEqualTo(2000);
    assertThat(c.maxRetention()).isEqualTo(Duration.ofHours(3));
    assertThat(c.endpoint().toString()).isEqualTo("http://10.0.0.5:7700");
  }

  @Test
  void loopbackListenersAllowLocalhostHosts() {
    AgentConfig c = minimal().listen(new BindAddress("127.0.0.1", 7701)).build();

    assertThat(c.allowedHosts()).contains("127.0.0.1", "localhost", "::1");
  }

  @Test
  void aWildcardListenerNeedsExplicitHosts() {
    assertThatThrownBy(() -> minimal().listen(new BindAddress("0.0.0.0", 80)).build())
        .hasMessageContaining("allowedHosts")
        .hasMessageContaining("0.0.0.0:80");
  }

  @Test
  void allowedHostsAreNormalised() {
    AgentConfig c = minimal().allowedHosts(Set.of("[FD00:EC2::23]", "Agent.Local:80")).build();

    assertThat(c.allowedHosts()).containsExactlyInAnyOrder("fd00:ec2::23", "agent.local");
  }

  @Test
  void aBadClusterNameIsNamed() {
    assertThatThrownBy(() -> minimal().clusterName("-bad name").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("clusterName: '-bad name'");
  }

  @Test
  void aNonHttpEndpointIsNamed() {
    assertThatThrownBy(() -> minimal().endpoint("ftp://x").build())
        .hasMessageStartingWith("endpoint: 'ftp://x'");
  }

  @Test
  void listenAddressesParseIpv4Ipv6AndBareHosts() {
    AgentConfig c =
        minimal().listenStrings(List.of("127.0.0.1:7701", "[::1]:7702", "169.254.170.23")).build();

    assertThat(c.listen())
        .containsExactly(
            new BindAddress("127.0.0.1", 7701),
            new BindAddress("::1", 7702),
            new BindAddress("169.254.170.23", 80));
  }

  @Test
  void aBadListenPortIsNamed() {
    assertThatThrownBy(() -> minimal().listenStrings(List.of("127.0.0.1:99999")))
        .hasMessageStartingWith("listen: '127.0.0.1:99999'");
  }

  @Test
  void durationsAcceptGoAndIsoForms() {
    assertThat(AgentConfig.parseDuration("f", "1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(AgentConfig.parseDuration("f", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(AgentConfig.parseDuration("f", "PT15M")).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void aBadDurationIsNamed() {
    assertThatThrownBy(() -> AgentConfig.parseDuration("refreshBeforeExpiry", "soon"))
        .hasMessageStartingWith("refreshBeforeExpiry: 'soon'");
  }

  @Test
  void outOfRangeNumbersAreNamed() {
    assertThatThrownBy(() -> minimal().cacheSize(-1).build())
        .hasMessageStartingWith("cacheSize: '-1'");
    assertThatThrownBy(() -> minimal().upstreamRate(0, 1).build())
        .hasMessageStartingWith("upstreamRate: '0.0'");
    assertThatThrownBy(() -> minimal().maxHeaderBytes(10).build())
        .hasMessageStartingWith("maxHeaderBytes: '10'");
  }

  @Test
  void staticCredentialsHideTheSecret() {
    assertThat(new AgentCredentials.Static("AKID", "s3cr3t", Optional.of("tok")).toString())
        .doesNotContain("s3cr3t")
        .doesNotContain("tok");
  }
}
