package io.podidentity.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkServiceException;

/** The AWS SDK for Java v2's container provider, configured as the webhook configures pods. */
class SdkContainerProviderTest {
  @TempDir Path dir;
  private AgentFixture f;

  @BeforeEach
  void start() throws IOException {
    f = new AgentFixture();
  }

  @AfterEach
  void stop() {
    System.clearProperty("aws.containerCredentialsFullUri");
    System.clearProperty("aws.containerAuthorizationTokenFile");
    f.close();
  }

  private ContainerCredentialsProvider providerFor(String token) throws IOException {
    Path file = dir.resolve("eks-pod-identity-token");
    Files.writeString(file, token, StandardCharsets.US_ASCII); // no trailing newline
    System.setProperty("aws.containerCredentialsFullUri", f.agent.credentialsUri().toString());
    System.setProperty("aws.containerAuthorizationTokenFile", file.toString());
    return ContainerCredentialsProvider.builder().build();
  }

  @Test
  void theJavaSdkGetsSessionCredentials() throws IOException {
    try (ContainerCredentialsProvider p = providerFor(f.token("app"))) {
      AwsCredentials c = p.resolveCredentials();

      assertThat(c).isInstanceOf(AwsSessionCredentials.class);
      AwsSessionCredentials s = (AwsSessionCredentials) c;
      assertThat(s.accessKeyId()).startsWith("ASIA");
      assertThat(s.secretAccessKey()).isEqualTo("secret-app-1");
      assertThat(s.sessionToken()).isEqualTo("session-app-1");
    }
  }

  @Test
  void theJavaSdkShowsWhyWhenNoAssociationApplies() throws IOException {
    f.server.failure =
        new FakeEksAuth.Failure(404, "ResourceNotFoundException", "No association for ns/app");
    try (ContainerCredentialsProvider p = providerFor(f.token("app"))) {
      assertThatThrownBy(p::resolveCredentials)
          .hasRootCauseInstanceOf(SdkServiceException.class)
          .rootCause()
          .hasMessageContaining("No pod identity association applies to this pod");
    }
  }
}
