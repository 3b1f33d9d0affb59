package io.podidentity.agent;

import io.podidentity.agent.internal.AgentRuntime;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Starts the node agent in this process. Used by {@code podidentity agent} and, on {@code
 * 127.0.0.1:7701}, by {@code podidentity up}:
 *
 * <pre>{@code
 * AgentConfig cfg = AgentConfig.builder()
 *     .clusterName("local").endpoint("http://127.0.0.1:7700").region("us-east-1")
 *     .credentials(new AgentCredentials.SharedFile(dataDir.resolve("credentials"), "podidentity"))
 *     .listen(new BindAddress("127.0.0.1", 7701))
 *     .probeAddress(Optional.empty()).metricsAddress(Optional.empty())
 *     .build();
 * try (RunningAgent agent = Agent.start(cfg)) { ... }
 * }</pre>
 */
public final class Agent {
  private Agent() {}

  /**
   * Binds every listener and returns once they accept connections.
   *
   * @throws IllegalStateException when a listener cannot be bound or the agent's credentials cannot
   *     be loaded; the message names the address, file or variable. Nothing is left running.
   */
  public static RunningAgent start(AgentConfig config) {
    return start(config, System.getenv(), Clock.systemUTC(), Duration.ofSeconds(10));
  }

  /** As {@link #start(AgentConfig)}, with the environment, clock and cache scan period given. */
  static RunningAgent start(
      AgentConfig config, Map<String, String> env, Clock clock, Duration cacheScanEvery) {
    try {
      return new RunningAgent(new AgentRuntime(config, env, clock, cacheScanEvery));
    } catch (AgentRuntime.StartException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
