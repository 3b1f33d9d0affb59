package io.podidentity.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CacheTest {

  @Test
  void aSecondRequestIsServedFromTheCache() throws IOException {
    try (AgentFixture f = new AgentFixture()) {
      String token = f.token("app");
      f.get(token);

      RawHttp.Response r = f.get(token);

      assertThat(r.status()).isEqualTo(200);
      assertThat(f.server.calls).hasValue(1);
    }
  }

  @Test
  void concurrentFirstRequestsForOneTokenMakeOneServerCall() throws Exception {
    try (AgentFixture f = new AgentFixture();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      f.server.delay = Duration.ofMillis(300);
      String token = f.token("app");
      CountDownLatch go = new CountDownLatch(1);
      List<Future<RawHttp.Response>> answers = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return f.get(token);
                }));
      }
      go.countDown();

      for (Future<RawHttp.Response> a : answers) {
        RawHttp.Response r = a.get();
        assertThat(r.status()).isEqualTo(200);
        assertThat(AgentFixture.json(r).get("Token").asText()).isEqualTo("session-app-1");
      }
      assertThat(f.server.calls).hasValue(1);
    }
  }

  @Test
  void twoTokensNeverGetEachOthersCredentials() throws Exception {
    try (AgentFixture f = new AgentFixture();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      String alice = f.token("alice");
      String bob = f.token("bob");
      List<Future<Boolean>> checks = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String sa = i % 2 == 0 ? "alice" : "bob";
        String token = i % 2 == 0 ? alice : bob;
        checks.add(
            pool.submit(
                () -> {
                  JsonNode j = AgentFixture.json(f.get(token));
                  return j.get("SecretAccessKey").asText().startsWith("secret-" + sa + "-")
                      && j.get("Token").asText().startsWith("session-" + sa + "-");
                }));
      }

      for (Future<Boolean> c : checks) {
        assertThat(c.get()).isTrue();
      }
    }
  }

  @Test
  void twoPodsOfOneServiceAccountHaveSeparateEntries() throws IOException {
    try (AgentFixture f = new AgentFixture()) {
      f.get(f.token("app"));

      f.get(f.token("app"));

      assertThat(f.server.calls).hasValue(2);
    }
  }

  @Test
  void credentialsAreRefreshedInTheBackgroundBeforeTheyExpire() throws IOException {
    try (AgentFixture f = new AgentFixture()) {
      String token = f.token("app");
      assertThat(AgentFixture.json(f.get(token)).get("Token").asText()).isEqualTo("session-app-1");

      f.clock.advance(Duration.ofMinutes(50)); // 1 h credentials: due at 45 min minus jitter
      await().atMost(Duration.ofSeconds(5)).until(() -> f.server.calls.get() == 2);

      assertThat(AgentFixture.json(f.get(token)).get("Token").asText()).isEqualTo("session-app-2");
      assertThat(f.server.calls).hasValue(2);
    }
  }

  @Test
  void cachedCredentialsAreServedWhileRefreshesFail() throws IOException {
    try (AgentFixture f = new AgentFixture()) {
      String token = f.token("app");
      f.get(token);
      f.server.failure = new FakeEksAuth.Failure(503, "ServiceUnavailableException", "down");

      f.clock.advance(Duration.ofMinutes(50));
      await().atMost(Duration.ofSeconds(5)).until(() -> f.server.calls.get() >= 3);

      RawHttp.Response r = f.get(token);
      assertThat(r.status()).isEqualTo(200);
      assertThat(AgentFixture.json(r).get("Token").asText()).isEqualTo("session-app-1");
    }
  }

  @Test
  void expiredCredentialsAreNeverServed() throws IOException {
    try (AgentFixture f = new AgentFixture()) {
      String token = f.token("app");
      f.get(token);
      f.server.stop();

      f.clock.advance(Duration.ofMinutes(60));

      assertThat(f.get(token).status()).isEqualTo(503);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "ResourceNotFoundException, 404",
    "InvalidTokenException, 400",
    "ExpiredTokenException, 400",
    "AccessDeniedException, 400",
  })
  void aPermanentRefreshErrorDropsTheEntry(String code, int status) throws IOException {
    try (AgentFixture f = new AgentFixture()) {
      String token = f.token("app");
      f.get(token);
      f.server.failure = new FakeEksAuth.Failure(status, code, "revoked");

      f.clock.advance(Duration.ofMinutes(50));
      await().atMost(Duration.ofSeconds(5)).until(() -> f.server.calls.get() == 2);

      RawHttp.Response r = f.get(token);
      assertThat(r.status()).isBetween(400, 499);
      assertThat(AgentFixture.json(r).get("code").asText()).isEqualTo(code);
      assertThat(f.server.calls).hasValue(3);
    }
  }

  @Test
  void theLeastRecentlyUsedEntryIsEvictedBeyondTheSize() throws IOException {
    try (AgentFixture f = new AgentFixture(b -> b.cacheSize(2))) {
      String a = f.token("a");
      String b = f.token("b");
      f.get(a);
      f.clock.advance(Duration.ofSeconds(5));
      f.get(b);
      f.clock.advance(Duration.ofSeconds(5));
      f.get(a); // a is now more recent than b
      f.clock.advance(Duration.ofSeconds(5));
      f.get(f.token("c")); // evicts b

      f.get(a);
      assertThat(f.server.calls).hasValue(3);
      f.get(b);
      assertThat(f.server.calls).hasValue(4);
    }
  }

  @Test
  void aBusyTokenIsRateLimitedWith429() throws IOException {
    try (AgentFixture f = new AgentFixture(b -> b.tokenRate(0.001, 3))) {
      String token = f.token("app");
      f.server.failure = new FakeEksAuth.Failure(404, "ResourceNotFoundException", "none");
      for (int i = 0; i < 3; i++) {
        assertThat(f.get(token).status()).isEqualTo(403);
      }

      RawHttp.Response r = f.get(token);

      assertThat(r.status()).isEqualTo(429);
      assertThat(AgentFixture.json(r).get("code").asText()).isEqualTo("TooManyRequests");
      assertThat(f.server.calls).hasValue(3);
    }
  }

  @Test
  void theOverallLimitProtectsTheServerWith503() throws IOException {
    try (AgentFixture f = new AgentFixture(b -> b.upstreamRate(0.001, 2))) {
      f.get(f.token("a"));
      f.get(f.token("b"));

      RawHttp.Response r = f.get(f.token("c"));

      assertThat(r.status()).isEqualTo(503);
      assertThat(AgentFixture.json(r).get("code").asText()).isEqualTo("SlowDown");
      assertThat(f.server.calls).hasValue(2);
    }
  }

  @Test
  void cacheHitsAreNotRateLimited() throws IOException {
    try (AgentFixture f = new AgentFixture(b -> b.tokenRate(0.001, 1).upstreamRate(0.001, 1))) {
      String token = f.token("app");
      for (int i = 0; i < 20; i++) {
        assertThat(f.get(token).status()).isEqualTo(200);
      }
    }
  }
}
