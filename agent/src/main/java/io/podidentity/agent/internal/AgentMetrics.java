package io.podidentity.agent.internal;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The agent's Prometheus metrics, in a registry of its own (several agents may share a JVM in tests
 * and in {@code podidentity up}).
 *
 * <ul>
 *   <li>{@code podidentity_agent_requests_total{status}}: {@code /v1/credentials} answers
 *   <li>{@code podidentity_agent_cache_hits_total}, {@code _misses_total}: lookups served from the
 *       cache, and lookups that had to ask the server (or join a call in flight)
 *   <li>{@code podidentity_agent_cache_refreshes_total{result=success|failure}}: background
 *       refreshes
 *   <li>{@code podidentity_agent_cache_evictions_total{reason=lru|expired|revoked}}
 *   <li>{@code podidentity_agent_cache_entries}: entries now cached
 *   <li>{@code podidentity_agent_upstream_request_duration_seconds}: EKS Auth call latency
 *   <li>{@code podidentity_agent_upstream_errors_total{code}}: EKS Auth failures by error code
 *       (network failures as {@code ServerUnreachable} / {@code ServerTimeout})
 *   <li>{@code podidentity_agent_rate_limited_total{scope=token|overall}}
 * </ul>
 */
public final class AgentMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;
  private final CounterDataPoint requests200;
  private final ConcurrentHashMap<Integer, CounterDataPoint> byStatus = new ConcurrentHashMap<>();
  private final Counter hits;
  private final Counter misses;
  private final Counter refreshes;
  private final Counter evictions;
  private final Histogram upstreamLatency;
  private final Counter upstreamErrors;
  private final Counter rateLimited;
  private volatile LongSupplier cacheEntries = () -> 0;

  public AgentMetrics() {
    requests =
        Counter.builder()
            .name("podidentity_agent_requests_total")
            .help("Answers to /v1/credentials by HTTP status")
            .labelNames("status")
            .register(registry);
    requests200 = requests.labelValues("200");
    hits =
        Counter.builder()
            .name("podidentity_agent_cache_hits_total")
            .help("Credential requests answered from the cache")
            .register(registry);
    misses =
        Counter.builder()
            .name("podidentity_agent_cache_misses_total")
            .help("Credential requests that needed the server")
            .register(registry);
    refreshes =
        Counter.builder()
            .name("podidentity_agent_cache_refreshes_total")
            .help("Background refreshes of cached credentials by result")
            .labelNames("result")
            .register(registry);
    evictions =
        Counter.builder()
            .name("podidentity_agent_cache_evictions_total")
            .help("Cache entries removed: lru (size bound), expired, revoked (server said no)")
            .labelNames("reason")
            .register(registry);
    GaugeWithCallback.builder()
        .name("podidentity_agent_cache_entries")
        .help("Credentials now cached")
        .callback(cb -> cb.call(cacheEntries.getAsLong()))
        .register(registry);
    upstreamLatency =
        Histogram.builder()
            .name("podidentity_agent_upstream_request_duration_seconds")
            .help("Latency of EKS Auth calls to the server")
            .classicOnly()
            .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register(registry);
    upstreamErrors =
        Counter.builder()
            .name("podidentity_agent_upstream_errors_total")
            .help("Failed EKS Auth calls by error code")
            .labelNames("code")
            .register(registry);
    rateLimited =
        Counter.builder()
            .name("podidentity_agent_rate_limited_total")
            .help("EKS Auth calls refused by the agent's own rate limits")
            .labelNames("scope")
            .register(registry);
  }

  public void request(int status) {
    if (status == 200) {
      requests200.inc();
    } else {
      byStatus.computeIfAbsent(status, s -> requests.labelValues(Integer.toString(s))).inc();
    }
  }

  public void hit() {
    hits.inc();
  }

  public void miss() {
    misses.inc();
  }

  public void refresh(boolean success) {
    refreshes.labelValues(success ? "success" : "failure").inc();
  }

  public void eviction(String reason) {
    evictions.labelValues(reason).inc();
  }

  public void cacheEntries(LongSupplier supplier) {
    cacheEntries = supplier;
  }

  public void upstream(long nanos, String errorCode) {
    upstreamLatency.observe(nanos / 1e9);
    if (errorCode != null) {
      upstreamErrors.labelValues(errorCode).inc();
    }
  }

  public void rateLimited(String scope) {
    rateLimited.labelValues(scope).inc();
  }

  public String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }

  /** The Prometheus text exposition of every metric. */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
