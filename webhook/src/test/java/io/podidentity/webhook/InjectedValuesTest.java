package io.podidentity.webhook;

import static io.podidentity.webhook.TestWebhooks.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.flipkart.zjsonpatch.JsonPatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configurable parts: IPv6 agent address, no region, no STS, expiration; the plain metrics
 * port.
 */
class InjectedValuesTest {
  @TempDir Path tls;

  @Test
  void ipv6WithoutRegionOrStsInjectsOnlyThePodIdentityPair() throws Exception {
    TestWebhooks.MapSource source =
        new TestWebhooks.MapSource().put("default", "my-service-account", "a-abcdefghijklmnop1");
    try (RunningWebhook webhook =
        TestWebhooks.start(
            tls,
            source,
            b ->
                b.region(null)
                    .credentialsFullUri(WebhookConfig.IPV6_FULL_URI)
                    .stsRegionalEndpoints(false)
                    .tokenExpirationSeconds(7200))) {
      String review = TestWebhooks.podReview("default", "my-service-account");
      JsonNode answer =
          TestWebhooks.review(webhook, TestWebhooks.client(webhook.caBundlePem()), review);

      JsonNode patch =
          JSON.readTree(Base64.getDecoder().decode(answer.path("response").path("patch").asText()));
      JsonNode pod = JsonPatch.apply(patch, JSON.readTree(review).path("request").path("object"));
      List<String> env = new ArrayList<>();
      pod.path("spec")
          .path("containers")
          .get(0)
          .path("env")
          .forEach(e -> env.add(e.path("name").asText() + "=" + e.path("value").asText()));
      assertThat(env)
          .containsExactly(
              "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://[fd00:ec2::23]/v1/credentials",
              "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token");
      assertThat(
              pod.path("spec")
                  .path("volumes")
                  .get(0)
                  .path("projected")
                  .path("sources")
                  .get(0)
                  .path("serviceAccountToken")
                  .path("expirationSeconds")
                  .asLong())
          .isEqualTo(7200);
    }
  }

  @Test
  void theMetricsPortServesMetricsAndProbesOverPlainHttp() throws Exception {
    try (RunningWebhook webhook =
        TestWebhooks.start(tls, new TestWebhooks.MapSource(), b -> b.metricsPort(0))) {
      java.net.URI base =
          java.net.URI.create("http://127.0.0.1:" + webhook.metricsPort().orElseThrow());
      var plain = java.net.http.HttpClient.newHttpClient();

      assertThat(TestWebhooks.get(plain, base.resolve("/readyz")).statusCode()).isEqualTo(200);
      assertThat(TestWebhooks.get(plain, base.resolve("/metrics")).body())
          .contains("podidentity_webhook_admissions_total");
      assertThat(webhook.metricsPort().orElseThrow()).isNotEqualTo(webhook.port());
    }
  }
}
