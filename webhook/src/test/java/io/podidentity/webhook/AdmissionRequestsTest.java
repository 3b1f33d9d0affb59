package io.podidentity.webhook;

import static io.podidentity.webhook.TestWebhooks.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the webhook answers to requests that are not a plain pod creation, and its probes. */
class AdmissionRequestsTest {
  @TempDir static Path tls;
  static RunningWebhook webhook;
  static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    TestWebhooks.MapSource source =
        new TestWebhooks.MapSource().put("default", "my-service-account", "a-abcdefghijklmnop1");
    webhook = TestWebhooks.start(tls, source, b -> b.maxRequestBytes(64 * 1024));
    client = TestWebhooks.client(webhook.caBundlePem());
  }

  @AfterAll
  static void stop() {
    webhook.close();
  }

  private HttpResponse<String> post(String contentType, String body) {
    return TestWebhooks.post(
        client, webhook.mutateUri(), contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void bodyThatIsNotJsonIs400WithAJsonMessage() throws Exception {
    HttpResponse<String> res = post("application/json", "{not json");

    assertThat(res.statusCode()).isEqualTo(400);
    assertThat(res.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(JSON.readTree(res.body()).path("error").asText())
        .startsWith("request body is not JSON");
  }

  @Test
  void unknownApiVersionIs400NamingIt() throws Exception {
    HttpResponse<String> res =
        post(
            "application/json",
            "{\"apiVersion\":\"admission.k8s.io/v2\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\"}}");

    assertThat(res.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(res.body()).path("error").asText())
        .contains("\"admission.k8s.io/v2\"");
  }

  @Test
  void reviewWithoutUidIs400() throws Exception {
    HttpResponse<String> res =
        post(
            "application/json",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{}}");

    assertThat(res.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(res.body()).path("error").asText()).contains("request.uid");
  }

  @Test
  void wrongContentTypeIs415() throws Exception {
    HttpResponse<String> res =
        post("text/plain", TestWebhooks.podReview("default", "my-service-account"));

    assertThat(res.statusCode()).isEqualTo(415);
    assertThat(JSON.readTree(res.body()).path("error").asText()).contains("application/json");
  }

  @Test
  void contentTypeWithCharsetIsAccepted() throws Exception {
    HttpResponse<String> res =
        post(
            "application/json; charset=utf-8",
            TestWebhooks.podReview("default", "my-service-account"));

    assertThat(res.statusCode()).isEqualTo(200);
  }

  @Test
  void bodyOverTheLimitIs413() throws Exception {
    // Expect: 100-continue, so the client waits for the server's verdict on the declared length
    // instead of racing the whole body against the server closing the connection (which reset
    // the connection before the 413 could be read, now and then).
    HttpResponse<String> res =
        client.send(
            HttpRequest.newBuilder(webhook.mutateUri())
                .timeout(Duration.ofSeconds(15))
                .expectContinue(true)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"pad\":\"" + "x".repeat(70 * 1024) + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(res.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(res.body()).path("error").asText()).contains("65536 bytes");
  }

  @Test
  void anotherResourceIsAllowedWithoutPatch() throws Exception {
    ObjectNode review =
        (ObjectNode) JSON.readTree(TestWebhooks.podReview("default", "my-service-account"));
    ((ObjectNode) review.get("request").get("kind")).put("kind", "ConfigMap");
    ((ObjectNode) review.get("request").get("resource")).put("resource", "configmaps");

    JsonNode answer = TestWebhooks.review(webhook, client, review.toString());

    assertThat(answer.path("response").path("allowed").asBoolean()).isTrue();
    assertThat(answer.path("response").has("patch")).isFalse();
    assertThat(answer.path("response").path("auditAnnotations").path("decision").asText())
        .isEqualTo("not_a_pod");
  }

  @Test
  void anUpdateIsAllowedWithoutPatch() throws Exception {
    ObjectNode review =
        (ObjectNode) JSON.readTree(TestWebhooks.podReview("default", "my-service-account"));
    ((ObjectNode) review.get("request")).put("operation", "UPDATE");

    JsonNode answer = TestWebhooks.review(webhook, client, review.toString());

    assertThat(answer.path("response").has("patch")).isFalse();
    assertThat(answer.path("response").path("auditAnnotations").path("decision").asText())
        .isEqualTo("not_create");
  }

  @Test
  void aMutationIsCountedInMetrics() throws Exception {
    TestWebhooks.review(webhook, client, TestWebhooks.podReview("default", "my-service-account"));

    HttpResponse<String> metrics =
        TestWebhooks.get(client, webhook.mutateUri().resolve("/metrics"));

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .containsPattern("podidentity_webhook_admissions_total\\{decision=\"mutated\"} [1-9]")
        .contains("podidentity_webhook_admissions_total{decision=\"no_association\"}")
        .contains("podidentity_webhook_admission_duration_seconds_bucket");
  }

  @Test
  void probesAnswerOk() throws Exception {
    URI base = webhook.mutateUri();
    assertThat(TestWebhooks.get(client, base.resolve("/healthz")).statusCode()).isEqualTo(200);
    assertThat(TestWebhooks.get(client, base.resolve("/readyz")).statusCode()).isEqualTo(200);
  }
}
