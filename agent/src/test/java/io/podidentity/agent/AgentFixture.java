package io.podidentity.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podidentity.testing.MutableClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** A fake server and an agent on 127.0.0.1:0 talking to it, with a clock the test moves. */
final class AgentFixture implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final MutableClock clock = new MutableClock(Instant.now());
  final FakeEksAuth server;
  final RunningAgent agent;

  AgentFixture() throws IOException {
    this(b -> b);
  }

  AgentFixture(UnaryOperator<AgentConfig.Builder> tweak) throws IOException {
    server = new FakeEksAuth(clock);
    AgentConfig.Builder b =
        AgentConfig.builder()
            .clusterName(FakeEksAuth.CLUSTER)
            .endpoint(server.endpoint())
            .region("us-east-1")
            .credentials(
                new AgentCredentials.Static(
                    FakeEksAuth.AGENT_KEY, FakeEksAuth.AGENT_SECRET, Optional.empty()))
            .listen(new BindAddress("127.0.0.1", 0))
            .probeAddress(Optional.of(new BindAddress("127.0.0.1", 0)))
            .metricsAddress(Optional.of(new BindAddress("127.0.0.1", 0)))
            .upstreamTimeout(Duration.ofSeconds(5))
            .refreshRetry(Duration.ofMillis(200));
    agent = Agent.start(tweak.apply(b).build(), Map.of(), clock, Duration.ofMillis(50));
  }

  String token(String sa) {
    return Tokens.forServiceAccount(sa, clock.instant());
  }

  RawHttp.Response get(String token) throws IOException {
    return RawHttp.get(
        agent.port(),
        "/v1/credentials",
        "127.0.0.1:" + agent.port(),
        Map.of("Authorization", token));
  }

  RawHttp.Response getWith(String host, Map<String, String> headers) throws IOException {
    return RawHttp.get(agent.port(), "/v1/credentials", host, headers);
  }

  static JsonNode json(RawHttp.Response r) throws IOException {
    return JSON.readTree(r.body());
  }

  @Override
  public void close() {
    agent.close();
    server.close();
  }
}
