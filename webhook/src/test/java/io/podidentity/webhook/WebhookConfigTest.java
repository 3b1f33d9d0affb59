package io.podidentity.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class WebhookConfigTest {
  private static WebhookConfig.Builder valid() {
    return WebhookConfig.builder("my-cluster").selfSignedTls(Path.of("/tmp/x"), List.of());
  }

  @Test
  void defaultsAreThoseOfEks() {
    WebhookConfig c = valid().build();

    assertThat(c.credentialsFullUri()).hasToString("http://169.254.170.23/v1/credentials");
    assertThat(c.tokenExpirationSeconds()).isEqualTo(86400);
    assertThat(c.stsRegionalEndpoints()).isTrue();
    assertThat(c.failurePolicy()).isEqualTo(WebhookConfig.FailurePolicy.OPEN);
  }

  @Test
  void localIsLoopbackWithItsCertificateInTheDataDir() {
    WebhookConfig c = WebhookConfig.local(Path.of("/data"), "local", "us-east-1", 7702);

    assertThat(c.bindAddress()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(7702);
    assertThat(c.tls().certFile()).isEqualTo(Path.of("/data/webhook/tls.crt"));
    assertThat(c.tls().generateSelfSigned()).isTrue();
    assertThat(c.region()).contains("us-east-1");
  }

  @Test
  void errorsNameTheFieldAndTheValue() {
    assertThatThrownBy(() -> valid().tokenExpirationSeconds(599).build())
        .hasMessageContaining("tokenExpirationSeconds")
        .hasMessageContaining("'599'");
    assertThatThrownBy(
            () -> WebhookConfig.builder("-bad").selfSignedTls(Path.of("/tmp"), List.of()).build())
        .hasMessageContaining("clusterName '-bad'");
    assertThatThrownBy(() -> valid().port(70000).build()).hasMessageContaining("port '70000'");
    assertThatThrownBy(() -> valid().region("Not A Region").build())
        .hasMessageContaining("region 'Not A Region'");
    assertThatThrownBy(() -> valid().credentialsFullUri(java.net.URI.create("ftp://x/")).build())
        .hasMessageContaining("credentialsFullUri 'ftp://x/'");
  }

  @Test
  void commandOptionsBecomeTheConfig() {
    WebhookCommand cmd = new WebhookCommand();
    new CommandLine(cmd)
        .parseArgs(
            "--cluster=prod",
            "--server=https://podidentity.example:7700",
            "--credentials-file=" + credentialsFile(),
            "--region=eu-west-1",
            "--ip-family=ipv6",
            "--failure-policy=closed",
            "--token-expiration=3600",
            "--tls-dir=/certs",
            "--port=9443",
            "--metrics-port=9999");

    WebhookConfig c = cmd.config();

    assertThat(c.clusterName()).isEqualTo("prod");
    assertThat(c.credentialsFullUri()).isEqualTo(WebhookConfig.IPV6_FULL_URI);
    assertThat(c.failurePolicy()).isEqualTo(WebhookConfig.FailurePolicy.CLOSED);
    assertThat(c.tokenExpirationSeconds()).isEqualTo(3600);
    assertThat(c.tls().certFile()).isEqualTo(Path.of("/certs/tls.crt"));
    assertThat(c.server())
        .get()
        .satisfies(
            s -> {
              assertThat(s.signingRegion()).isEqualTo("eu-west-1");
              assertThat(s.credentials().accessKeyId()).isEqualTo("AKIDFROMFILE");
            });
    assertThat(c.metricsPort()).contains(9999);
  }

  @Test
  void aBadOptionIsAParameterExceptionNamingIt() {
    WebhookCommand cmd = new WebhookCommand();
    new CommandLine(cmd)
        .parseArgs("--credentials-file=" + credentialsFile(), "--failure-policy=maybe");

    assertThatThrownBy(cmd::config)
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--failure-policy 'maybe'");
  }

  private static String credentialsFile() {
    try {
      Path f = java.nio.file.Files.createTempFile("credentials", "");
      java.nio.file.Files.writeString(
          f,
          "[default]\naws_access_key_id=NOPE\naws_secret_access_key=x\n[podidentity]\naws_access_key_id = AKIDFROMFILE\naws_secret_access_key = s3cr3t\n");
      f.toFile().deleteOnExit();
      return f.toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
