package io.podidentity.webhook;

import static io.podidentity.webhook.TestWebhooks.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.flipkart.zjsonpatch.JsonPatch;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each {@code golden/NAME.review.json} is POSTed to the real HTTPS webhook; the returned JSON Patch
 * is applied to the review's pod with zjsonpatch and the whole result compared with {@code
 * golden/NAME.expected.json}.
 */
class GoldenFixturesTest {
  @TempDir static Path tls;
  static RunningWebhook webhook;
  static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    TestWebhooks.MapSource source =
        new TestWebhooks.MapSource()
            .put("default", "my-service-account", "a-abcdefghijklmnop1")
            .put("team-a", "default", "a-teamadefault00001");
    webhook = TestWebhooks.start(tls, source, b -> {});
    client = TestWebhooks.client(webhook.caBundlePem());
  }

  @AfterAll
  static void stop() {
    webhook.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "seed-deployment-pod",
        "init-and-sidecar",
        "existing-env",
        "unknown-fields",
        "already-mutated",
        "windows",
        "skip-containers",
        "opt-out-label",
        "token-expiration",
        "token-expiration-clamped",
        "token-expiration-unparseable",
        "v1beta1",
        "no-association",
        "bare-pod-default-sa",
        "existing-volume-stale-annotation"
      })
  void patchedPodEqualsTheExpectedPod(String name) throws Exception {
    JsonNode review = JSON.readTree(TestWebhooks.resource("/golden/" + name + ".review.json"));
    JsonNode expected = JSON.readTree(TestWebhooks.resource("/golden/" + name + ".expected.json"));

    JsonNode answer = TestWebhooks.review(webhook, client, JSON.writeValueAsString(review));

    assertThat(answer.path("apiVersion").asText()).isEqualTo(review.path("apiVersion").asText());
    assertThat(answer.path("kind").asText()).isEqualTo("AdmissionReview");
    JsonNode response = answer.path("response");
    assertThat(response.path("uid").asText())
        .isEqualTo(review.path("request").path("uid").asText());
    assertThat(response.path("allowed").asBoolean()).isTrue();
    JsonNode pod = review.path("request").path("object");
    JsonNode patched = pod;
    if (response.has("patch")) {
      assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
      JsonNode patch = JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
      assertNarrow(patch);
      patched = JsonPatch.apply(patch, pod);
    }
    assertThat(pretty(patched)).isEqualTo(pretty(expected));
  }

  /** Never a whole container list or container: only elements inside them. */
  private static void assertNarrow(JsonNode patch) {
    for (JsonNode op : patch) {
      assertThat(op.path("op").asText()).isIn("add", "replace");
      assertThat(op.path("path").asText())
          .doesNotMatch("/spec/(initContainers|containers|ephemeralContainers)(/\\d+)?")
          .doesNotStartWith("/spec/ephemeralContainers");
    }
  }

  private static String pretty(JsonNode n) throws Exception {
    Object canonical = JSON.treeToValue(n, Object.class);
    return JSON.copy()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
        .writeValueAsString(canonical);
  }
}
