package io.podidentity.webhook.internal;

import io.helidon.common.tls.Tls;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.podidentity.webhook.AssociationSource;
import io.podidentity.webhook.RunningWebhook;
import io.podidentity.webhook.WebhookConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTPS listener (and optional plain metrics listener) around an {@link AdmissionHandler}. */
public final class WebhookServer implements RunningWebhook {
  private static final Logger log = LoggerFactory.getLogger(WebhookServer.class);
  private static final String METRICS_SOCKET = "metrics";

  private final WebhookConfig config;
  private final AssociationSource source;
  private final AutoCloseable ownedSource;
  private final WebhookMetrics metrics;
  private final AdmissionHandler handler;
  private final ServingCertificate certificate;
  private final WebServer server;

  private WebhookServer(
      WebhookConfig config,
      AssociationSource source,
      AutoCloseable ownedSource,
      WebhookMetrics metrics)
      throws IOException, GeneralSecurityException {
    this.config = config;
    this.source = source;
    this.ownedSource = ownedSource;
    this.metrics = metrics;
    PodMutation mutation =
        new PodMutation(
            new PodMutation.Settings(
                config.region(),
                config.credentialsFullUri(),
                config.stsRegionalEndpoints(),
                config.tokenExpirationSeconds()));
    this.handler = new AdmissionHandler(source, mutation, config.failurePolicy(), metrics);
    WebhookConfig.TlsFiles tls = config.tls();
    if (tls.generateSelfSigned()
        && SelfSigned.ensure(tls.certFile(), tls.keyFile(), tls.dnsNames())) {
      log.info(
          "tls: generated a self-signed certificate at {} (it is also the CA bundle)",
          tls.certFile());
    }
    this.certificate =
        new ServingCertificate(
            tls.certFile(), tls.keyFile(), tls.reloadInterval(), metrics::tlsReload);
    InetAddress bind = InetAddress.getByName(config.bindAddress());
    var builder =
        WebServer.builder()
            .address(bind)
            .port(config.port())
            .shutdownHook(false)
            .maxPayloadSize(config.maxRequestBytes())
            .tls(Tls.builder().sslContext(certificate.sslContext()).build())
            .directHandlers(jsonDirectHandlers())
            .routing(this::routes);
    config
        .metricsPort()
        .ifPresent(
            p -> {
              builder.putSocket(METRICS_SOCKET, s -> s.address(bind).port(p));
              builder.routing(METRICS_SOCKET, this::probes);
            });
    WebServer started = builder.build().start();
    // Helidon logs a failed bind and returns a server that is not running instead of throwing.
    if (!started.isRunning() || started.port() < 0) {
      started.stop();
      throw new IllegalStateException(
          "webhook: cannot listen on "
              + config.bindAddress()
              + ":"
              + config.port()
              + ": the address is in use or cannot be assigned");
    }
    this.server = started;
    log.info(
        "webhook: serving https://{}:{}/mutate for cluster {} ({})",
        config.bindAddress(),
        server.port(),
        config.clusterName(),
        config.failurePolicy() == WebhookConfig.FailurePolicy.OPEN ? "fail-open" : "fail-closed");
  }

  /** Starts a webhook; {@code ownedSource}, if not null, is closed with it. */
  public static WebhookServer start(
      WebhookConfig config,
      AssociationSource source,
      AutoCloseable ownedSource,
      WebhookMetrics metrics)
      throws IOException, GeneralSecurityException {
    try {
      return new WebhookServer(config, source, ownedSource, metrics);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      closeQuietly(ownedSource);
      throw e;
    }
  }

  /**
   * Errors Helidon answers before routing (a body over the limit by its Content-Length, a malformed
   * request line or header) in the same JSON shape as ours, counted as malformed.
   */
  private DirectHandlers jsonDirectHandlers() {
    DirectHandler json =
        (request, type, status, headers, message) -> {
          String text =
              status.code() == 413
                  ? "AdmissionReview larger than " + config.maxRequestBytes() + " bytes"
                  : message == null ? status.reasonPhrase() : message;
          AdmissionHandler.Reply reply = handler.error(status.code(), text);
          return DirectHandler.TransportResponse.builder()
              .status(status)
              .headers(headers)
              .header(HeaderNames.CONTENT_TYPE, "application/json")
              .entity(reply.body())
              .keepAlive(type.keepAlive() && status.code() != 413)
              .build();
        };
    return DirectHandlers.builder()
        .addHandler(DirectHandler.EventType.BAD_REQUEST, json)
        .addHandler(DirectHandler.EventType.PAYLOAD_TOO_LARGE, json)
        .build();
  }

  private void routes(HttpRouting.Builder r) {
    r.post("/mutate", this::mutate);
    probes(r);
  }

  private void probes(HttpRouting.Builder r) {
    r.get("/healthz", (req, res) -> text(res, 200, "ok"));
    r.get(
        "/readyz",
        (req, res) -> {
          if (ready()) {
            text(res, 200, "ok");
          } else {
            text(res, 503, "associations not loaded yet");
          }
        });
    r.get(
        "/metrics",
        (req, res) -> {
          res.header(HeaderNames.CONTENT_TYPE, WebhookMetrics.contentType());
          res.send(metrics.scrape());
        });
  }

  private void mutate(ServerRequest req, ServerResponse res) {
    AdmissionHandler.Reply reply;
    String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
    String mediaType = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!mediaType.equals("application/json")) {
      reply =
          handler.error(415, "Content-Type must be application/json, got \"" + clip(type) + "\"");
    } else {
      byte[] body = read(req);
      reply =
          body == null
              ? handler.error(
                  413, "AdmissionReview larger than " + config.maxRequestBytes() + " bytes")
              : handler.handle(body);
    }
    res.status(Status.create(reply.status()));
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(reply.body());
  }

  /** The body, or null when it exceeds the limit. */
  private byte[] read(ServerRequest req) {
    int max = config.maxRequestBytes();
    try (InputStream in = req.content().inputStream()) {
      byte[] b = in.readNBytes(max + 1);
      return b.length > max ? null : b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void text(ServerResponse res, int status, String body) {
    res.status(Status.create(status));
    res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    res.send(body.getBytes(StandardCharsets.UTF_8));
  }

  private static String clip(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "…" : s;
  }

  @Override
  public int port() {
    return server.port();
  }

  @Override
  public URI mutateUri() {
    String host = config.bindAddress();
    try {
      InetAddress a = InetAddress.getByName(host);
      if (a.isAnyLocalAddress()) {
        host = "127.0.0.1";
      } else if (host.contains(":")) {
        host = "[" + host + "]";
      }
    } catch (UnknownHostException e) {
      // keep the name
    }
    return URI.create("https://" + host + ":" + port() + "/mutate");
  }

  @Override
  public Optional<Integer> metricsPort() {
    return config.metricsPort().map(p -> server.port(METRICS_SOCKET));
  }

  @Override
  public String caBundlePem() {
    return certificate.certPem();
  }

  @Override
  public boolean ready() {
    return server.isRunning() && source.ready();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } finally {
      certificate.close();
      closeQuietly(ownedSource);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      log.warn("webhook: closing {}: {}", c, e.toString());
    }
  }
}
