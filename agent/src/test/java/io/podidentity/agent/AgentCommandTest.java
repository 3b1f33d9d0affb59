package io.podidentity.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AgentCommandTest {

  private static AgentConfig parse(Map<String, String> env, String... args) {
    AgentCommand cmd = new AgentCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.config(env);
  }

  @Test
  void optionsBecomeTheConfig() {
    AgentConfig c =
        parse(
            Map.of(),
            "--cluster-name=prod",
            "--endpoint=https://pi.example.com",
            "--region=eu-west-1",
            "--credentials-file=/etc/pi/creds",
            "--profile=agent",
            "--listen=127.0.0.1:7701",
            "--probe-address=off",
            "--cache-size=10",
            "--refresh-before-expiry=20m",
            "--token-qps=2");

    assertThat(c.clusterName()).isEqualTo("prod");
    assertThat(c.endpoint().toString()).isEqualTo("https://pi.example.com");
    assertThat(c.region()).isEqualTo("eu-west-1");
    assertThat(c.credentials())
        .isEqualTo(new AgentCredentials.SharedFile(Path.of("/etc/pi/creds"), "agent"));
    assertThat(c.listen()).containsExactly(new BindAddress("127.0.0.1", 7701));
    assertThat(c.probeAddress()).isEmpty();
    assertThat(c.cacheSize()).isEqualTo(10);
    assertThat(c.refreshBeforeExpiry()).hasMinutes(20);
    assertThat(c.tokenRate()).isEqualTo(2.0);
    assertThat(c.tokenBurst()).isEqualTo(10);
  }

  @Test
  void theEnvironmentSuppliesEndpointRegionAndKeys() {
    AgentConfig c =
        parse(
            Map.of(
                "AWS_ENDPOINT_URL_EKS_AUTH", "http://10.1.1.1:7700",
                "AWS_REGION", "ap-south-1",
                "AWS_ACCESS_KEY_ID", "AKID"),
            "-c",
            "prod");

    assertThat(c.endpoint().toString()).isEqualTo("http://10.1.1.1:7700");
    assertThat(c.region()).isEqualTo("ap-south-1");
    assertThat(c.credentials()).isEqualTo(new AgentCredentials.Environment());
  }

  @Test
  void aBadOptionExitsWith2NamingTheField() {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new AgentCommand()).setErr(new PrintWriter(err));

    int code = cl.execute("-c", "prod", "--refresh-before-expiry", "soon");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("refreshBeforeExpiry: 'soon'");
  }

  @Test
  void initIsASubcommand() {
    CommandLine cl = new CommandLine(new AgentCommand());

    assertThat(cl.getSubcommands()).containsKey("init");
  }
}
