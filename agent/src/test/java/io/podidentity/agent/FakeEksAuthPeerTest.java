package io.podidentity.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podidentity.testing.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eksauth.EksAuthClient;
import software.amazon.awssdk.services.eksauth.model.AssumeRoleForPodIdentityResponse;
import software.amazon.awssdk.services.eksauth.model.ResourceNotFoundException;

/**
 * The test double checked against an independent peer: the AWS SDK's own EKS Auth client signs and
 * parses what the fake verifies and answers, so the agent's tests run against the real wire format,
 * not one the agent and the fake merely agree on.
 */
class FakeEksAuthPeerTest {
  private final MutableClock clock = new MutableClock(Instant.now());
  private FakeEksAuth server;
  private EksAuthClient sdk;

  @BeforeEach
  void start() throws IOException {
    server = new FakeEksAuth(clock);
    sdk =
        EksAuthClient.builder()
            .endpointOverride(URI.create(server.endpoint()))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(FakeEksAuth.AGENT_KEY, FakeEksAuth.AGENT_SECRET)))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterEach
  void stop() {
    sdk.close();
    server.close();
  }

  @Test
  void theSdkAcceptsTheFakesAnswer() {
    AssumeRoleForPodIdentityResponse r =
        sdk.assumeRoleForPodIdentity(
            b ->
                b.clusterName(FakeEksAuth.CLUSTER)
                    .token(Tokens.forServiceAccount("app", clock.instant())));

    assertThat(server.signatureFailures).isEmpty();
    assertThat(r.credentials().accessKeyId()).startsWith("ASIA");
    assertThat(r.credentials().expiration()).isAfter(clock.instant());
    assertThat(r.assumedRoleUser().arn()).startsWith("arn:aws:sts::111122223333:");
    assertThat(r.podIdentityAssociation().associationId()).isEqualTo("a-1");
  }

  @Test
  void theSdkReadsTheFakesErrors() {
    server.failure = new FakeEksAuth.Failure(404, "ResourceNotFoundException", "no association");

    assertThatThrownBy(
            () ->
                sdk.assumeRoleForPodIdentity(
                    b ->
                        b.clusterName(FakeEksAuth.CLUSTER)
                            .token(Tokens.forServiceAccount("app", clock.instant()))))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("no association");
  }
}
