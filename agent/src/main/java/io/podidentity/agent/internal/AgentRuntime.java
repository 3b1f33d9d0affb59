package io.podidentity.agent.internal;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.podidentity.agent.AgentConfig;
import io.podidentity.agent.BindAddress;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the agent: the credential chain (cache → token check → rate limit → EKS Auth client), one
 * web server per credential address (so that one address failing to bind does not take the others
 * down), the probe server and the metrics server.
 */
public final class AgentRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentRuntime.class);

  private final List<WebServer> servers = new ArrayList<>();
  private final List<InetSocketAddress> credentialAddresses = new ArrayList<>();
  private final CachingCredentialSource cache;
  private final AgentMetrics metrics = new AgentMetrics();
  private final Readiness readiness;
  private WebServer probe;
  private WebServer metricsServer;

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
      config.probeAddress().ifPresent(a -> probe = start("probe", a, config, this::probeRoutes));
      config
          .metricsAddress()
          .ifPresent(
              a ->
                  metricsServer =
                      start(
                          "metrics",
                          a,
                          config,
                          r -> {
                            probeRoutes(r);
                            r.get(
                                "/metrics",
                                (req, res) -> {
                                  res.header(HeaderNames.CONTENT_TYPE, metrics.contentType());
                                  res.send(metrics.scrape());
                                });
                          }));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void probeRoutes(HttpRouting.Builder r) {
    r.get("/healthz", (req, res) -> res.send("ok"))
        .get(
            "/readyz",
            (req, res) -> {
              String body = readiness.describe();
              res.status(readiness.ready() ? 200 : 503);
              res.header(HeaderNames.CONTENT_TYPE, "application/json");
              res.send(body);
            });
  }

  private void startCredentialListeners(AgentConfig config, CredentialsHandler handler) {
    List<BindAddress> failedV6 = new ArrayList<>();
    List<Exception> failedV6Causes = new ArrayList<>();
    for (BindAddress a : config.listen()) {
      try {
        WebServer s = start("credentials", a, config, r -> r.get("/v1/credentials", handler));
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

  private WebServer start(
      String what, BindAddress a, AgentConfig config, Consumer<HttpRouting.Builder> routes) {
    InetSocketAddress sa;
    try {
      sa = a.toSocketAddress();
    } catch (java.net.UnknownHostException e) {
      throw new StartException(what + " address " + a + ": cannot resolve the host", e);
    }
    HttpRouting.Builder routing = HttpRouting.builder();
    routes.accept(routing);
    try {
      WebServer s =
          WebServer.builder()
              .shutdownHook(false)
              .featuresDiscoverServices(false)
              .protocolsDiscoverServices(false)
              .address(sa.getAddress())
              .port(sa.getPort())
              .addProtocol(Http1Config.builder().maxHeadersSize(hardHeaderLimit(config)).build())
              .directHandlers(
                  d ->
                      d.addHandler(
                          DirectHandler.EventType.BAD_REQUEST,
                          new BadRequests(hardHeaderLimit(config))))
              .routing(routing)
              .build()
              .start();
      if (!s.isRunning() || s.port() < 0) {
        // Helidon logs a bind failure and returns a server that is not running; find out why.
        s.stop();
        throw new StartException(
            "Cannot listen on " + a + " for " + what + ": " + diagnoseBind(sa), bindError(sa));
      }
      servers.add(s);
      LOG.info("Agent {} listener on {} (port {})", what, a, s.port());
      return s;
    } catch (StartException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StartException("Cannot listen on " + a + " for " + what + ": " + rootMessage(e), e);
    }
  }

  /** Binds {@code sa} once to learn why the web server could not; null when it now works. */
  private static java.io.IOException bindError(InetSocketAddress sa) {
    try (java.net.ServerSocket s = new java.net.ServerSocket()) {
      s.bind(sa);
      return null;
    } catch (java.io.IOException e) {
      return e;
    }
  }

  private static String diagnoseBind(InetSocketAddress sa) {
    java.io.IOException e = bindError(sa);
    return e == null ? "the web server did not start (see the log above)" : e.getMessage();
  }

  /**
   * Helidon's own header limit, a hard bound well above {@code maxHeaderBytes}: Helidon answers a
   * bare 400 above it, so the credentials handler enforces {@code maxHeaderBytes} itself with a 431
   * and the agent's JSON error.
   */
  private static int hardHeaderLimit(AgentConfig config) {
    return Math.max(config.maxHeaderBytes() * 4, 64 * 1024);
  }

  /**
   * Requests Helidon refuses before routing (malformed, or headers over the limit) get the agent's
   * JSON error too; the connection is closed.
   */
  private static final class BadRequests implements DirectHandler {
    private final int hardLimit;

    BadRequests(int hardLimit) {
      this.hardLimit = hardLimit;
    }

    @Override
    public TransportResponse handle(
        TransportRequest request,
        EventType event,
        Status status,
        io.helidon.http.ServerResponseHeaders headers,
        String message) {
      LOG.debug("Refused a malformed request: {} {}", status, message);
      byte[] body =
          CredentialsHandler.errorBody(
              "BadRequest",
              "The request is not valid HTTP/1.1, or its headers exceed " + hardLimit + " bytes.");
      return TransportResponse.builder()
          .status(Status.BAD_REQUEST_400)
          .header(HeaderNames.CONTENT_TYPE, "application/json")
          .keepAlive(false)
          .entity(body)
          .build();
    }
  }

  public List<InetSocketAddress> credentialAddresses() {
    return List.copyOf(credentialAddresses);
  }

  public Optional<Integer> probePort() {
    return Optional.ofNullable(probe).map(WebServer::port);
  }

  public Optional<Integer> metricsPort() {
    return Optional.ofNullable(metricsServer).map(WebServer::port);
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
    for (WebServer s : servers) {
      try {
        s.stop();
      } catch (RuntimeException e) {
        LOG.debug("Stopping a listener failed", e);
      }
    }
    servers.clear();
    cache.close();
  }
}
