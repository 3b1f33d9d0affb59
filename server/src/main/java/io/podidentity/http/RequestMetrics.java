package io.podidentity.http;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Prometheus metrics of the server's API: requests by service, operation and status, latency. */
public final class RequestMetrics {
  private final Counter requests;
  private final Histogram latency;

  public RequestMetrics(PrometheusRegistry registry) {
    requests =
        Counter.builder()
            .name("podidentity_api_requests_total")
            .help("API requests by service, operation and HTTP status")
            .labelNames("service", "operation", "status")
            .register(registry);
    latency =
        Histogram.builder()
            .name("podidentity_api_request_duration_seconds")
            .help("API request latency by service and operation")
            .labelNames("service", "operation")
            .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1)
            .register(registry);
  }

  void observe(String service, String operation, int status, long nanos) {
    requests.labelValues(service, operation, Integer.toString(status)).inc();
    latency.labelValues(service, operation).observe(nanos / 1e9);
  }
}
