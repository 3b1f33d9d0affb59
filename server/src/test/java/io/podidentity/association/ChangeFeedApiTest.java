package io.podidentity.association;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.podidentity.http.Json;
import io.podidentity.testing.RawClient;
import io.podidentity.testing.TestServer;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eks.EksClient;

/** The association change feed the webhook follows (docs/internal-api.md). */
class ChangeFeedApiTest {
  static final String FEED = "/podidentity/v1/clusters/local/association-changes";
  TestServer ts;
  RawClient admin;
  EksClient eks;

  @BeforeEach
  void start() {
    ts = new TestServer();
    admin = ts.adminClient();
    eks = ts.eks();
  }

  @AfterEach
  void stop() {
    eks.close();
    ts.close();
  }

  JsonNode feed(String query) throws Exception {
    HttpResponse<String> r = admin.signed("GET", FEED + query, null, "eks");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.MAPPER.readTree(r.body());
  }

  String create(String sa) {
    return eks.createPodIdentityAssociation(
            b ->
                b.clusterName("local")
                    .namespace("default")
                    .serviceAccount(sa)
                    .roleArn("arn:aws:iam::111122223333:role/r"))
        .association()
        .associationId();
  }

  @Test
  void createAndDeleteAppearInOrderWithTheirSequence() throws Exception {
    String id = create("a");
    eks.deletePodIdentityAssociation(b -> b.clusterName("local").associationId(id));
    JsonNode page = feed("?after=0");
    assertThat(page.path("reset").asBoolean()).isFalse();
    assertThat(page.path("changes")).hasSize(2);
    assertThat(page.path("changes").get(0).path("op").asText()).isEqualTo("UPSERT");
    assertThat(page.path("changes").get(1).path("op").asText()).isEqualTo("DELETE");
    assertThat(page.path("changes").get(1).path("association").path("associationId").asText())
        .isEqualTo(id);
    assertThat(page.path("latestSeq").asLong())
        .isEqualTo(page.path("changes").get(1).path("seq").asLong());
  }

  @Test
  void aCursorPastTheLatestChangeIsReset() throws Exception {
    create("a");
    JsonNode page = feed("?after=999999");
    assertThat(page.path("reset").asBoolean()).isTrue();
    assertThat(page.path("changes")).isEmpty();
  }

  @Test
  void aLongPollReturnsAsSoonAsAChangeCommits() throws Exception {
    long latest = feed("").path("latestSeq").asLong();
    CompletableFuture<JsonNode> poll =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return feed("?after=" + latest + "&waitSeconds=20");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(300);
    assertThat(poll).isNotDone();
    String id = create("b");
    JsonNode page = poll.get(10, TimeUnit.SECONDS);
    assertThat(page.path("changes").get(0).path("association").path("associationId").asText())
        .isEqualTo(id);
  }

  @Test
  void aWaitOutOfRangeIsInvalidParameter() {
    HttpResponse<String> r = admin.signed("GET", FEED + "?waitSeconds=31", null, "eks");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("x-amzn-ErrorType")).contains("InvalidParameterException");
  }

  @Test
  void anUnknownClusterIsNotFound() {
    HttpResponse<String> r =
        admin.signed("GET", "/podidentity/v1/clusters/nope/association-changes", null, "eks");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("No cluster found for name: nope.");
  }
}
