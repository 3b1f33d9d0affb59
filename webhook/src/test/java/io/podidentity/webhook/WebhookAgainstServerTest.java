package io.podidentity.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.podidentity.sigv4.SigV4Signer;
import io.podidentity.testing.TestServer;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * The webhook following a real podidentity server over HTTP (full List load, change feed,
 * read-through): the admission race of AWS's webhook — a pod created right after its association
 * gets no credentials — does not happen here.
 */
class WebhookAgainstServerTest {
  TestServer ts;
  EksClient eks;
  RunningWebhook webhook;
  HttpClient client;

  @BeforeEach
  void start() throws Exception {
    ts = new TestServer();
    eks = ts.eks();
    Path tls = Files.createTempDirectory("webhook-real-server");
    WebhookConfig.Builder b = TestWebhooks.config(tls);
    b.server(
        new WebhookConfig.ServerConnection(
            ts.endpoint(),
            new SigV4Signer.Credentials(
                ts.server().adminKey().accessKeyId(),
                ts.server().adminKey().secretAccessKey(),
                Optional.empty()),
            TestServer.REGION));
    WebhookConfig cfg = b.build();
    webhook = Webhook.start(withCluster(cfg));
    client = TestWebhooks.client(webhook.caBundlePem());
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(webhook::ready);
  }

  /** TestWebhooks configures cluster my-cluster; the test server's cluster is local. */
  private static WebhookConfig withCluster(WebhookConfig c) {
    return new WebhookConfig(
        "local",
        c.server(),
        c.region(),
        c.credentialsFullUri(),
        c.stsRegionalEndpoints(),
        c.tokenExpirationSeconds(),
        c.failurePolicy(),
        c.tls(),
        c.bindAddress(),
        c.port(),
        c.metricsPort(),
        c.maxRequestBytes(),
        c.serverTimeout(),
        c.negativeCacheTtl());
  }

  @AfterEach
  void stop() throws Exception {
    webhook.close();
    eks.close();
    ts.close();
  }

  JsonNode admit(String ns, String sa) throws Exception {
    return TestWebhooks.review(webhook, client, TestWebhooks.podReview(ns, sa)).path("response");
  }

  static String patch(JsonNode response) {
    return response.hasNonNull("patch")
        ? new String(
            Base64.getDecoder().decode(response.get("patch").asText()), StandardCharsets.UTF_8)
        : "";
  }

  @Test
  void aPodAdmittedRightAfterItsAssociationWasCreatedIsMutated() throws Exception {
    String id =
        eks.createPodIdentityAssociation(
                r ->
                    r.clusterName("local")
                        .namespace("team-a")
                        .serviceAccount("reporter")
                        .roleArn("arn:aws:iam::111122223333:role/reporter"))
            .association()
            .associationId();
    JsonNode response = admit("team-a", "reporter");
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(patch(response))
        .contains("AWS_CONTAINER_CREDENTIALS_FULL_URI", "eks-pod-identity-token", id);
  }

  @Test
  void aPodWithoutAssociationIsAdmittedUnmutated() throws Exception {
    JsonNode response = admit("team-a", "nobody");
    assertThat(response.path("allowed").asBoolean()).isTrue();
    assertThat(patch(response)).doesNotContain("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  }

  @Test
  void aDeletedAssociationStopsMutatingOnceTheFeedDeliversIt() throws Exception {
    String id =
        eks.createPodIdentityAssociation(
                r ->
                    r.clusterName("local")
                        .namespace("team-b")
                        .serviceAccount("worker")
                        .roleArn("arn:aws:iam::111122223333:role/worker"))
            .association()
            .associationId();
    assertThat(patch(admit("team-b", "worker"))).contains(id);
    eks.deletePodIdentityAssociation(r -> r.clusterName("local").associationId(id));
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(patch(admit("team-b", "worker"))).doesNotContain(id));
  }
}
