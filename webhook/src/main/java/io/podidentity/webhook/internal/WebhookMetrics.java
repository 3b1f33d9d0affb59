package io.podidentity.webhook.internal;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.DoubleSupplier;

/** The webhook's Prometheus metrics, in a registry of its own (several may run in one JVM). */
public final class WebhookMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter admissions =
      Counter.builder()
          .name("podidentity_webhook_admissions_total")
          .help("Admission decisions, by decision (mutated, no_association, opt_out_label, ...)")
          .labelNames("decision")
          .register(registry);
  private final Histogram duration =
      Histogram.builder()
          .name("podidentity_webhook_admission_duration_seconds")
          .help("Time to answer one AdmissionReview, including the association lookup")
          .classicOnly()
          .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5)
          .register(registry);
  private final Counter sourceErrors =
      Counter.builder()
          .name("podidentity_webhook_association_source_errors_total")
          .help("Failed calls to the association server, by operation (list, lookup, changes)")
          .labelNames("operation")
          .register(registry);
  private final Counter readThrough =
      Counter.builder()
          .name("podidentity_webhook_association_read_through_total")
          .help("Cache misses answered by the server, by result (found, not_found)")
          .labelNames("result")
          .register(registry);
  private final Counter tlsReloads =
      Counter.builder()
          .name("podidentity_webhook_tls_reloads_total")
          .help("Serving-certificate reloads, by result (ok, error)")
          .labelNames("result")
          .register(registry);

  public WebhookMetrics() {
    for (Decision d : Decision.values()) {
      admissions.labelValues(d.label());
    }
  }

  public void decision(Decision d, long nanos) {
    admissions.labelValues(d.label()).inc();
    if (d != Decision.MALFORMED) {
      duration.observe(nanos / 1e9);
    }
  }

  public double decisions(Decision d) {
    return admissions.labelValues(d.label()).get();
  }

  public void sourceError(String operation) {
    sourceErrors.labelValues(operation).inc();
  }

  public void readThrough(boolean found) {
    readThrough.labelValues(found ? "found" : "not_found").inc();
  }

  public void tlsReload(boolean ok) {
    tlsReloads.labelValues(ok ? "ok" : "error").inc();
  }

  /** Registers a gauge read at scrape time (e.g. the number of cached associations). */
  public void gauge(String name, String help, DoubleSupplier value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .callback(cb -> cb.call(value.getAsDouble()))
        .register(registry);
  }

  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }
}
