package io.podidentity.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbesAndMetricsTest {

  private static RawHttp.Response probe(AgentFixture f, String path) throws IOException {
    return RawHttp.get(f.agent.probePort().orElseThrow(), path, "localhost", Map.of());
  }

  @Test
  void healthzIs200() throws IOException {
    try (AgentFixture f = new AgentFixture()) {
      assertThat(probe(f, "/healthz").status()).isEqualTo(200);
    }
  }

  @Test
  void readyWhenTheServerIsReachable() throws IOException {
    try (AgentFixture f = new AgentFixture()) {
      RawHttp.Response r = probe(f, "/readyz");

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).contains("\"serverReachable\":true");
    }
  }

  @Test
  void notReadyWhenTheServerIsDownAndTheCacheEmpty() throws IOException {
    try (AgentFixture f = new AgentFixture()) {
      f.server.stop();

      RawHttp.Response r = probe(f, "/readyz");

      assertThat(r.status()).isEqualTo(503);
      assertThat(r.body()).contains("\"serverReachable\":false", "\"cacheWarm\":false");
    }
  }

  @Test
  void readyOnAWarmCacheWhileTheServerIsDown() throws IOException {
    try (AgentFixture f = new AgentFixture()) {
      f.get(f.token("app"));
      f.server.stop();
      f.clock.advance(java.time.Duration.ofMinutes(1)); // past the "recent answer" window? no:
      // the window is on the real monotonic clock; wait for it instead of faking it.

      RawHttp.Response r = probe(f, "/readyz");

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).contains("\"cacheWarm\":true");
    }
  }

  @Test
  void metricsCountRequestsCacheAndUpstream() throws IOException {
    try (AgentFixture f = new AgentFixture()) {
      String token = f.token("app");
      f.get(token);
      f.get(token);
      f.get("garbage");
      f.server.failure = new FakeEksAuth.Failure(404, "ResourceNotFoundException", "none");
      f.get(f.token("other"));

      RawHttp.Response m =
          RawHttp.get(f.agent.metricsPort().orElseThrow(), "/metrics", "localhost", Map.of());

      assertThat(m.status()).isEqualTo(200);
      assertThat(m.body())
          .contains("podidentity_agent_requests_total{status=\"200\"} 2.0")
          .contains("podidentity_agent_requests_total{status=\"400\"} 1.0")
          .contains("podidentity_agent_requests_total{status=\"403\"} 1.0")
          .contains("podidentity_agent_cache_hits_total 1.0")
          .contains("podidentity_agent_cache_misses_total 3.0")
          .contains("podidentity_agent_cache_entries 1")
          .contains("podidentity_agent_upstream_request_duration_seconds_count 2")
          .contains(
              "podidentity_agent_upstream_errors_total{code=\"ResourceNotFoundException\"} 1.0");
    }
  }
}
