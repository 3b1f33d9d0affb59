package io.podidentity.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.podidentity.sigv4.SigV4Signer;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook following a (fake) server over HTTP: read-through, fail-open and fail-closed. */
class FailurePolicyTest {
  @TempDir Path tls;
  FakeAssociationServer server;
  RunningWebhook webhook;

  private HttpClient start(WebhookConfig.FailurePolicy policy) throws Exception {
    server = new FakeAssociationServer(100);
    WebhookConfig config =
        TestWebhooks.config(tls)
            .server(
                new WebhookConfig.ServerConnection(
                    server.endpoint(),
                    new SigV4Signer.Credentials("AKIDWEBHOOKTEST", "secret", Optional.empty()),
                    "eu-west-1"))
            .failurePolicy(policy)
            .serverTimeout(Duration.ofMillis(500))
            .build();
    webhook = Webhook.start(config);
    await().atMost(Duration.ofSeconds(10)).until(webhook::ready);
    return TestWebhooks.client(webhook.caBundlePem());
  }

  @AfterEach
  void stop() {
    if (webhook != null) {
      webhook.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aPodAdmittedRightAfterItsAssociationIsCreatedIsMutated() throws Exception {
    HttpClient client = start(WebhookConfig.FailurePolicy.OPEN);

    server.putQuietly("default", "my-service-account", "a-abcdefghijklmnop1"); // feed not told yet
    JsonNode answer =
        TestWebhooks.review(
            webhook, client, TestWebhooks.podReview("default", "my-service-account"));

    assertThat(answer.path("response").path("patch").isTextual()).isTrue();
    assertThat(answer.path("response").path("auditAnnotations").path("association").asText())
        .isEqualTo("a-abcdefghijklmnop1");
  }

  @Test
  void serverDownFailOpenAdmitsThePodUnmutated() throws Exception {
    HttpClient client = start(WebhookConfig.FailurePolicy.OPEN);
    server.close();

    JsonNode answer =
        TestWebhooks.review(
            webhook, client, TestWebhooks.podReview("default", "my-service-account"));

    assertThat(answer.path("response").path("allowed").asBoolean()).isTrue();
    assertThat(answer.path("response").has("patch")).isFalse();
    assertThat(answer.path("response").path("auditAnnotations").path("decision").asText())
        .isEqualTo("server_unavailable_admitted");
    String metrics = TestWebhooks.get(client, webhook.mutateUri().resolve("/metrics")).body();
    assertThat(metrics)
        .contains(
            "podidentity_webhook_admissions_total{decision=\"server_unavailable_admitted\"} 1.0")
        .containsPattern(
            "podidentity_webhook_association_source_errors_total\\{operation=\"lookup\"} [1-9]");
  }

  @Test
  void serverDownFailClosedRefusesThePodSayingWhy() throws Exception {
    HttpClient client = start(WebhookConfig.FailurePolicy.CLOSED);
    server.close();

    JsonNode answer =
        TestWebhooks.review(
            webhook, client, TestWebhooks.podReview("default", "my-service-account"));

    JsonNode response = answer.path("response");
    assertThat(response.path("allowed").asBoolean()).isFalse();
    assertThat(response.path("uid").asText()).isEqualTo("0df28fbd-5f5f-11e8-bc74-36e6bb280816");
    assertThat(response.path("status").path("code").asInt()).isEqualTo(503);
    assertThat(response.path("status").path("message").asText())
        .contains("default/my-service-account")
        .contains("fail-closed")
        .contains(server.endpoint().toString());
  }
}
