package io.podidentity.agent.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Readiness of the agent: its credential listeners are bound, and it can answer pods, that is the
 * server is reachable or the cache holds credentials it can serve without the server.
 *
 * <p>"Reachable" means an HTTP answer of any status from the server in the last 30 s, or else a TCP
 * connection to the server's host and port within 1 s (checked at most every 5 s). A server that
 * rejects the agent's signature is still "reachable": that fault shows in the answers to the pods
 * and in {@code podidentity_agent_upstream_errors_total}, and restarting the agent would not fix
 * it.
 */
public final class Readiness {
  private static final long RECENT_NANOS = Duration.ofSeconds(30).toNanos();
  private static final long RECHECK_NANOS = Duration.ofSeconds(5).toNanos();

  private final URI endpoint;
  private final LongSupplier lastContact;
  private final BooleanSupplier cacheWarm;
  private volatile boolean listenersBound;
  private volatile long checkedAt = Long.MIN_VALUE;
  private volatile boolean lastCheck;

  public Readiness(URI endpoint, LongSupplier lastContact, BooleanSupplier cacheWarm) {
    this.endpoint = endpoint;
    this.lastContact = lastContact;
    this.cacheWarm = cacheWarm;
  }

  public void listenersBound(boolean bound) {
    listenersBound = bound;
  }

  public boolean listenersBound() {
    return listenersBound;
  }

  public boolean ready() {
    return listenersBound && (upstreamReachable() || cacheWarm.getAsBoolean());
  }

  public boolean upstreamReachable() {
    long now = System.nanoTime();
    long last = lastContact.getAsLong();
    if (last != Long.MIN_VALUE && now - last < RECENT_NANOS) {
      return true;
    }
    if (checkedAt != Long.MIN_VALUE && now - checkedAt < RECHECK_NANOS) {
      return lastCheck;
    }
    boolean ok = connect();
    lastCheck = ok;
    checkedAt = System.nanoTime();
    return ok;
  }

  private boolean connect() {
    int port = endpoint.getPort();
    if (port < 0) {
      port = "https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80;
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(endpoint.getHost(), port), 1000);
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  /** The body of {@code /readyz}. */
  public String describe() {
    boolean up = upstreamReachable();
    boolean warm = cacheWarm.getAsBoolean();
    return "{\"ready\":"
        + (listenersBound && (up || warm))
        + ",\"listenersBound\":"
        + listenersBound
        + ",\"serverReachable\":"
        + up
        + ",\"cacheWarm\":"
        + warm
        + "}";
  }
}
