package io.podidentity.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.podidentity.sigv4.SigV4Signer;
import io.podidentity.webhook.internal.HttpAssociationSource;
import io.podidentity.webhook.internal.WebhookMetrics;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpAssociationSourceTest {
  private FakeAssociationServer server;
  private HttpAssociationSource source;

  private HttpAssociationSource follow(Duration negativeTtl) {
    source =
        new HttpAssociationSource(
            new WebhookConfig.ServerConnection(
                server.endpoint(),
                new SigV4Signer.Credentials("AKIDWEBHOOKTEST", "secret", Optional.empty()),
                "eu-west-1"),
            "my-cluster",
            Duration.ofSeconds(2),
            negativeTtl,
            new WebhookMetrics());
    return source;
  }

  @AfterEach
  void stop() {
    if (source != null) {
      source.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void initialLoadFollowsEveryPage() throws Exception {
    server = new FakeAssociationServer(2);
    for (int i = 0; i < 5; i++) {
      server.put("ns" + i, "sa", "a-0000000000000000" + i);
    }
    follow(Duration.ofSeconds(1));

    await().atMost(Duration.ofSeconds(10)).until(source::ready);

    assertThat(source.size()).isEqualTo(5);
    assertThat(server.paths).anyMatch(p -> p.contains("nextToken=tok%2F4"));
  }

  @Test
  void callsAreSignedForServiceEks() throws Exception {
    server = new FakeAssociationServer(100);
    follow(Duration.ofSeconds(1));

    await().atMost(Duration.ofSeconds(10)).until(source::ready);

    assertThat(server.authorizations)
        .allMatch(a -> a.startsWith("AWS4-HMAC-SHA256 Credential=AKIDWEBHOOKTEST/"))
        .allMatch(a -> a.contains("/eu-west-1/eks/aws4_request"));
  }

  @Test
  void changeFeedUpsertsAndDeletes() throws Exception {
    server = new FakeAssociationServer(100);
    follow(Duration.ZERO);
    await().atMost(Duration.ofSeconds(10)).until(source::ready);

    server.put("default", "my-sa", "a-aaaaaaaaaaaaaaaa1");
    await().atMost(Duration.ofSeconds(10)).until(() -> source.size() == 1);
    assertThat(source.lookup("default", "my-sa"))
        .get()
        .satisfies(
            a ->
                assertThat(a.roleArn())
                    .contains("arn:aws:iam::111122223333:role/r-a-aaaaaaaaaaaaaaaa1"));

    server.delete("default", "my-sa");
    await().atMost(Duration.ofSeconds(10)).until(() -> source.size() == 0);
    assertThat(source.lookup("default", "my-sa")).isEmpty();
  }

  @Test
  void resetReloadsEverything() throws Exception {
    server = new FakeAssociationServer(100);
    server.put("default", "old", "a-0000000000000old1");
    follow(Duration.ZERO);
    await().atMost(Duration.ofSeconds(10)).until(() -> source.size() == 1);

    // while the history is gone: one association replaced, and the feed says reset
    server.putQuietly("default", "new", "a-0000000000000new1");
    server.forgetHistory();
    server.put("default", "newer", "a-00000000000newer1");

    await().atMost(Duration.ofSeconds(10)).until(() -> source.size() == 3);
    assertThat(source.lookup("default", "new"))
        .map(AssociationSource.Association::id)
        .contains("a-0000000000000new1");
  }

  @Test
  void aMissIsReadThroughSoANewAssociationIsSeenBeforeTheFeedDeliversIt() throws Exception {
    server = new FakeAssociationServer(100);
    follow(Duration.ofSeconds(1));
    await().atMost(Duration.ofSeconds(10)).until(source::ready);

    server.putQuietly("default", "just-created", "a-justcreated00001");

    assertThat(source.lookup("default", "just-created"))
        .map(AssociationSource.Association::id)
        .contains("a-justcreated00001");
    assertThat(server.paths)
        .anyMatch(p -> p.contains("namespace=default&serviceAccount=just-created"));
  }

  @Test
  void aNegativeAnswerIsDroppedWhenTheFeedReportsThePair() throws Exception {
    server = new FakeAssociationServer(100);
    follow(Duration.ofMinutes(5));
    await().atMost(Duration.ofSeconds(10)).until(source::ready);
    assertThat(source.lookup("default", "later")).isEmpty();

    server.put("default", "later", "a-laterlaterlater01");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> source.lookup("default", "later").isPresent());
  }

  @Test
  void aMissWithTheServerDownIsUnavailable() throws Exception {
    server = new FakeAssociationServer(100);
    follow(Duration.ofSeconds(1));
    await().atMost(Duration.ofSeconds(10)).until(source::ready);
    server.close();

    assertThatThrownBy(() -> source.lookup("default", "anything"))
        .isInstanceOf(AssociationSource.UnavailableException.class)
        .hasMessageContaining(server.endpoint().toString());
  }

  @Test
  void aHitIsServedFromMemoryWithTheServerDown() throws Exception {
    server = new FakeAssociationServer(100);
    server.put("default", "my-sa", "a-aaaaaaaaaaaaaaaa1");
    follow(Duration.ofSeconds(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> source.size() == 1);
    server.close();

    assertThat(source.lookup("default", "my-sa")).isPresent();
  }
}
