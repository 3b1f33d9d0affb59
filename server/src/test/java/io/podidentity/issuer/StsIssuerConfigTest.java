package io.podidentity.issuer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class StsIssuerConfigTest {
  static final URI STS = URI.create("https://sts.eu-west-1.amazonaws.com");

  @Test
  void defaultsToTheDefaultChainAndTheAgentFriendlyBudget() {
    StsIssuerConfig c = StsIssuerConfig.of(STS, "eu-west-1");

    assertThat(c.credentials()).isInstanceOf(DefaultCredentialsProvider.class);
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.callTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.maxAttempts()).isEqualTo(2);
  }

  @Test
  void rejectsAnEndpointThatIsNotHttp() {
    assertThatThrownBy(() -> StsIssuerConfig.of(URI.create("ftp://sts.example"), "us-east-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint")
        .hasMessageContaining("ftp://sts.example");
  }

  @Test
  void rejectsAnEndpointWithCredentialsInIt() {
    assertThatThrownBy(
            () -> StsIssuerConfig.of(URI.create("http://key:secret@rgw.example:8000"), "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("secret");
  }

  @Test
  void rejectsAConnectTimeoutLongerThanTheCallBudget() {
    assertThatThrownBy(
            () ->
                StsIssuerConfig.of(STS, "eu-west-1")
                    .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("connectTimeout");
  }

  @Test
  void rejectsAnUnboundedRetryBudget() {
    assertThatThrownBy(() -> StsIssuerConfig.of(STS, "eu-west-1").withMaxAttempts(10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAttempts");
  }

  @Test
  void toStringNamesNoKey() {
    StsIssuerConfig c =
        StsIssuerConfig.of(STS, "eu-west-1")
            .withCredentials(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAKEY", "SECRET")));

    assertThat(c.toString()).doesNotContain("AKIAKEY").doesNotContain("SECRET");
  }
}
