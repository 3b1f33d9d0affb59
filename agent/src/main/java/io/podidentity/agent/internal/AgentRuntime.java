package io.podidentity.agent.internal;

import io.podidentity.agent.AgentConfig;
import io.podidentity.agent.BindAddress;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the agent: the credential chain (cache → token check → rate limit → EKS Auth client), one
 * {@link MiniHttpServer} per credential address (so that one address failing to bind does not take
 * the others down), the probe server and the metrics server.
 */
public final class AgentRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentRuntime.class);

  private static final byte[] TEXT =
      MiniHttpServer.headerLine("Content-Type", "text/plain; charset=UTF-8");
  private static final byte[] OK = "ok".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final List<MiniHttpServer> servers = new ArrayList<>();
  private final List<InetSocketAddress> credentialAddresses = new ArrayList<>();
  private final CachingCredentialSource cache;
  private final AgentMetrics metrics = new AgentMetrics();
  private final Readiness readiness;
  private MiniHttpServer probe;
  private MiniHttpServer metricsServer;

  /** Thrown when the agent cannot start; the message names the field or address at fault. */
  public static final class StartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StartException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Starts everything, or nothing: on failure whatever was started is stopped again.
   *
   * @param env the process environment (for {@code AgentCredentials.Environment})
   * @param scanEvery how often the cache janitor runs
   */
  public AgentRuntime(
      AgentConfig config, Map<String, String> env, Clock clock, Duration scanEvery) {
    SigningCredentials signing;
    try {
      signing = new SigningCredentials(config.credentials(), env).validate();
    } catch (IllegalArgumentException e) {
      throw new StartException(e.getMessage(), e);
    }
    EksAuthClient client =
        new EksAuthClient(
            config.endpoint(),
            config.clusterName(),
            config.region(),
            signing,
            config.upstreamConnectTimeout(),
            config.upstreamTimeout(),
            config.upstreamAttempts(),
            metrics,
            clock);
    CredentialSource limited =
        new RateLimitedCredentialSource(
            client,
            config.upstreamRate(),
            config.upstreamBurst(),
            config.tokenRate(),
            config.tokenBurst(),
            metrics,
            System::nanoTime);
    CredentialSource checked = new TokenCheckingCredentialSource(limited, clock);
    cache =
        new CachingCredentialSource(
            checked,
            config.cacheSize(),
            config.refreshBeforeExpiry(),
            config.maxRetention(),
            config.refreshRetry(),
            scanEvery,
            clock,
            metrics);
    readiness = new Readiness(config.endpoint(), client::lastContactNanos, cache::hasServableEntry);
    try {
      startCredentialListeners(
          config,
          new CredentialsHandler(cache, config.allowedHosts(), config.maxHeaderBytes(), metrics));
      readiness.listenersBound(true);
      config.probeAddress().ifPresent(a -> probe = start("probe", a, config, probeRoutes()));
      config
          .metricsAddress()
          .ifPresent(
              a -> {
                List<MiniHttpServer.Route> routes = new ArrayList<>(probeRoutes());
                byte[] type = MiniHttpServer.headerLine("Content-Type", metrics.contentType());
                routes.add(
                    new MiniHttpServer.Route(
                        "/metrics",
                        req -> new MiniHttpServer.Response(200, type, metrics.scrape())));
                metricsServer = start("metrics", a, config, routes);
              });
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private List<MiniHttpServer.Route> probeRoutes() {
    return List.of(
        new MiniHttpServer.Route("/healthz", req -> new MiniHttpServer.Response(200, TEXT, OK)),
        new MiniHttpServer.Route(
            "/readyz",
            req -> {
              byte[] body = readiness.describe().getBytes(java.nio.charset.StandardCharsets.UTF_8);
              return new MiniHttpServer.Response(
                  readiness.ready() ? 200 : 503, MiniHttpServer.JSON, body);
            }));
  }

  private void startCredentialListeners(AgentConfig config, CredentialsHandler handler) {
    List<BindAddress> failedV6 = new ArrayList<>();
    List<Exception> failedV6Causes = new ArrayList<>();
    for (BindAddress a : config.listen()) {
      try {
        MiniHttpServer s =
            start(
                "credentials",
                a,
                config,
                List.of(new MiniHttpServer.Route("/v1/credentials", handler)));
        credentialAddresses.add(new InetSocketAddress(a.toSocketAddress().getAddress(), s.port()));
      } catch (StartException e) {
        if (a.isIpv6() && addressUnavailable(e)) {
          failedV6.add(a);
          failedV6Causes.add(e);
        } else {
          throw e;
        }
      } catch (java.net.UnknownHostException e) {
        throw new StartException("listen: cannot resolve " + a, e);
      }
    }
    if (credentialAddresses.isEmpty()) {
      StartException e =
          new StartException(
              "listen: no credential address could be bound; "
                  + failedV6
                  + " is not available on this host (run 'podidentity agent init' first, or set"
                  + " the addresses with --listen)",
              failedV6Causes.isEmpty() ? null : failedV6Causes.get(0));
      throw e;
    }
    for (int i = 0; i < failedV6.size(); i++) {
      LOG.warn(
          "IPv6 address {} is not available on this host ({}); serving on {} only",
          failedV6.get(i),
          rootMessage(failedV6Causes.get(i)),
          credentialAddresses);
    }
  }

  /** Cannot-assign / no-IPv6 failures, as opposed to "address already in use" (fatal). */
  private static boolean addressUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException || t instanceof SocketException) {
        String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (m.contains("in use")) {
          return false;
        }
        if (m.contains("cannot assign")
            || m.contains("not available")
            || m.contains("not supported")
            || m.contains("unavailable")) {
          return true;
        }
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  private MiniHttpServer start(
      String what, BindAddress a, AgentConfig config, List<MiniHttpServer.Route> routes) {
    InetSocketAddress sa;
    try {
      sa = a.toSocketAddress();
    } catch (java.net.UnknownHostException e) {
      throw new StartException(what + " address " + a + ": cannot resolve the host", e);
    }
    try {
      MiniHttpServer s = MiniHttpServer.start(what, sa, routes, hardHeaderLimit(config));
      servers.add(s);
      LOG.info("Agent {} listener on {} (port {})", what, a, s.port());
      return s;
    } catch (IOException | RuntimeException e) {
      throw new StartException("Cannot listen on " + a + " for " + what + ": " + rootMessage(e), e);
    }
  }

  /**
   * The server's own header limit, a hard bound well above {@code maxHeaderBytes}: above it the
   * server answers 400 {@code BadRequest} and closes the connection; between the two the
   * credentials handler answers 431 with the agent's JSON error.
   */
  private static int hardHeaderLimit(AgentConfig config) {
    return Math.max(config.maxHeaderBytes() * 4, 64 * 1024);
  }

  public List<InetSocketAddress> credentialAddresses() {
    return List.copyOf(credentialAddresses);
  }

  public Optional<Integer> probePort() {
    return Optional.ofNullable(probe).map(MiniHttpServer::port);
  }

  public Optional<Integer> metricsPort() {
    return Optional.ofNullable(metricsServer).map(MiniHttpServer::port);
  }

  public boolean ready() {
    return readiness.ready();
  }

  public AgentMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    readiness.listenersBound(false);
    for (MiniHttpServer s : servers) {
      try {
        s.close();
      } catch (RuntimeException e) {
        LOG.debug("Stopping a listener failed", e);
      }
    }
    servers.clear();
    cache.close();
  }
}
