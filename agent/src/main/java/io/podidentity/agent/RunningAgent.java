package io.podidentity.agent;

import io.podidentity.agent.internal.AgentRuntime;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.OptionalInt;

/** A started agent: the addresses it actually bound, its readiness, and {@link #close()}. */
public final class RunningAgent implements AutoCloseable {
  private final AgentRuntime runtime;

  RunningAgent(AgentRuntime runtime) {
    this.runtime = runtime;
  }

  /** The credential listeners that are bound, with their actual ports. */
  public List<InetSocketAddress> credentialAddresses() {
    return runtime.credentialAddresses();
  }

  /** The port of the first credential listener. */
  public int port() {
    return runtime.credentialAddresses().get(0).getPort();
  }

  /** {@code http://<first address>:<port>/v1/credentials}, the value for FULL_URI. */
  public URI credentialsUri() {
    InetSocketAddress a = runtime.credentialAddresses().get(0);
    String host = a.getAddress().getHostAddress();
    if (host.indexOf(':') >= 0) {
      host = "[" + host.replaceFirst("%.*$", "") + "]";
    }
    return URI.create("http://" + host + ":" + a.getPort() + "/v1/credentials");
  }

  /** The probe listener's port, when it runs. */
  public OptionalInt probePort() {
    return runtime.probePort().map(OptionalInt::of).orElse(OptionalInt.empty());
  }

  /** The metrics listener's port, when it runs. */
  public OptionalInt metricsPort() {
    return runtime.metricsPort().map(OptionalInt::of).orElse(OptionalInt.empty());
  }

  /** What {@code /readyz} answers: listeners bound and server reachable or cache warm. */
  public boolean isReady() {
    return runtime.ready();
  }

  /** Stops the listeners and the cache's background work. */
  @Override
  public void close() {
    runtime.close();
  }
}
