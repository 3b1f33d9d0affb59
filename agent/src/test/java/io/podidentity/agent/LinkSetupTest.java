package io.podidentity.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.podidentity.agent.internal.LinkSetup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code podidentity agent init} for real, inside a network namespace created for the test. Needs
 * root and iproute2; when a namespace cannot be created the test fails (it does not skip), because
 * then nothing here was tested.
 */
class LinkSetupTest {
  private final String ns = "pi-test-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<String> warnings = new ArrayList<>();

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    if (p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  private String inNs(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "ip"));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  private LinkSetup setup() {
    return new LinkSetup(
        List.of("ip", "netns", "exec", ns, "ip"), LinkSetup.LINK, m -> {}, warnings::add);
  }

  @BeforeEach
  void createNamespace() throws IOException, InterruptedException {
    run(List.of("ip", "netns", "add", ns)); // throws, failing the test, when impossible
  }

  @AfterEach
  void deleteNamespace() throws IOException, InterruptedException {
    run(List.of("ip", "netns", "del", ns));
  }

  @Test
  void initPutsBothAddressesOnTheLink() throws Exception {
    boolean v6 = setup().run();

    assertThat(v6).isTrue();
    String addrs = inNs("-o", "addr", "show", "dev", LinkSetup.LINK);
    assertThat(addrs).contains("169.254.170.23/32").contains("fd00:ec2::23/128");
    assertThat(inNs("-o", "link", "show", "dev", LinkSetup.LINK)).contains(",UP");
    assertThat(inNs("-o", "-4", "route", "show", "169.254.170.23/32"))
        .contains("dev " + LinkSetup.LINK);
  }

  @Test
  void initIsIdempotent() throws Exception {
    setup().run();
    String first = inNs("-o", "addr", "show", "dev", LinkSetup.LINK);

    setup().run();

    String second = inNs("-o", "addr", "show", "dev", LinkSetup.LINK);
    assertThat(second.lines().filter(l -> l.contains("169.254.170.23")).count()).isEqualTo(1);
    assertThat(second.lines().filter(l -> l.contains("fd00:ec2::23")).count()).isEqualTo(1);
    assertThat(second.lines().count()).isEqualTo(first.lines().count());
  }

  @Test
  void aRouteOnAnotherDeviceIsFatal() throws Exception {
    inNs("link", "add", "other0", "type", "bridge");
    inNs("link", "set", "other0", "up");
    inNs("route", "add", "169.254.170.23/32", "dev", "other0");

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> setup().run())
        .isInstanceOf(LinkSetup.SetupException.class)
        .hasMessageContaining("169.254.170.23/32")
        .hasMessageContaining("other0");
  }

  @Test
  void ipv6FailureIsOnlyAWarning() throws Exception {
    // Through /proc rather than sysctl(8), which lives in /usr/sbin and may not be on PATH.
    run(
        List.of(
            "ip",
            "netns",
            "exec",
            ns,
            "sh",
            "-c",
            "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6;"
                + " echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6"));

    boolean v6 = setup().run();

    assertThat(v6).isFalse();
    assertThat(warnings).anyMatch(w -> w.contains("IPv6"));
    assertThat(inNs("-o", "addr", "show", "dev", LinkSetup.LINK)).contains("169.254.170.23/32");
  }
}
