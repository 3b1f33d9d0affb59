package io.podidentity.webhook.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podidentity.sigv4.SigV4Signer;
import io.podidentity.webhook.AssociationSource;
import io.podidentity.webhook.WebhookConfig.ServerConnection;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The associations of one cluster, held in memory and kept current from the server: a full load
 * with ListPodIdentityAssociations, then the change feed ({@code docs/internal-api.md}),
 * long-polled; {@code reset} triggers a reload. A miss is read through to the server (List with the
 * namespace and serviceAccount filters), so a pod created right after its association is mutated
 * even if the feed has not delivered it yet — the admission race of
 * amazon-eks-pod-identity-webhook#264 and containers-roadmap#2507.
 *
 * <p>A "none" answer from the server is reused for {@code negativeTtl} at most, and dropped as soon
 * as the feed reports any change for that pair; while the feed is failing it is not reused at all.
 * Positive read-through answers are not cached: the feed brings them, and a cached positive could
 * outlive a delete that the feed delivered first.
 */
public final class HttpAssociationSource implements AssociationSource, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpAssociationSource.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WAIT_SECONDS = 20;
  private static final int MAX_BODY = 16 * 1024 * 1024;

  private record Key(String namespace, String serviceAccount) {}

  private final ServerConnection server;
  private final String cluster;
  private final Duration timeout;
  private final long negativeTtlNanos;
  private final WebhookMetrics metrics;
  private final HttpClient http;
  private final Map<Key, Association> byKey = new ConcurrentHashMap<>();
  private final Map<Key, Long> negativeUntil = new ConcurrentHashMap<>();
  private final Thread follower;
  private volatile boolean loaded;
  private volatile boolean feedHealthy;
  private volatile boolean closed;

  public HttpAssociationSource(
      ServerConnection server,
      String cluster,
      Duration timeout,
      Duration negativeTtl,
      WebhookMetrics metrics) {
    this.server = server;
    this.cluster = cluster;
    this.timeout = timeout;
    this.negativeTtlNanos = negativeTtl.toNanos();
    this.metrics = metrics;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    metrics.gauge(
        "podidentity_webhook_associations",
        "Associations of the cluster held in memory",
        byKey::size);
    this.follower = Thread.ofVirtual().name("webhook-association-feed").start(this::follow);
  }

  @Override
  public Optional<Association> lookup(String namespace, String serviceAccount)
      throws UnavailableException {
    Key key = new Key(namespace, serviceAccount);
    Association hit = byKey.get(key);
    if (hit != null) {
      return Optional.of(hit);
    }
    if (feedHealthy) {
      Long until = negativeUntil.get(key);
      if (until != null && until - System.nanoTime() > 0) {
        return Optional.empty();
      }
    }
    Optional<Association> found;
    try {
      found = readThrough(key);
    } catch (IOException e) {
      metrics.sourceError("lookup");
      throw new UnavailableException(
          "association server " + server.endpoint() + " unavailable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while asking the association server", e);
    }
    metrics.readThrough(found.isPresent());
    if (found.isEmpty() && negativeTtlNanos > 0) {
      negativeUntil.put(key, System.nanoTime() + negativeTtlNanos);
      if (negativeUntil.size() > 100_000) {
        negativeUntil.clear(); // bound memory against a flood of distinct service accounts
      }
    }
    return found;
  }

  @Override
  public boolean ready() {
    return loaded;
  }

  /** The number of associations held in memory (tests, metrics). */
  public int size() {
    return byKey.size();
  }

  private Optional<Association> readThrough(Key key) throws IOException, InterruptedException {
    String query =
        "namespace="
            + enc(key.namespace())
            + "&serviceAccount="
            + enc(key.serviceAccount())
            + "&maxResults=100";
    JsonNode body = get(listPath(), query, timeout);
    for (JsonNode a : body.path("associations")) {
      if (key.namespace().equals(a.path("namespace").asText())
          && key.serviceAccount().equals(a.path("serviceAccount").asText())) {
        return Optional.of(association(a));
      }
    }
    return Optional.empty();
  }

  /** Follows the change feed until closed; reloads everything at start and on reset. */
  private void follow() {
    long after = 0;
    long backoffMs = 100;
    while (!closed) {
      try {
        if (!loaded) {
          // the feed position first, then the list: changes racing the list are replayed after
          JsonNode head = get(changesPath(), "after=0&waitSeconds=0", timeout);
          long latest = head.path("latestSeq").asLong(0);
          fullLoad();
          after = latest;
          loaded = true;
          feedHealthy = true;
          backoffMs = 100;
          continue;
        }
        JsonNode page =
            get(
                changesPath(),
                "after=" + after + "&waitSeconds=" + WAIT_SECONDS,
                Duration.ofSeconds(WAIT_SECONDS).plus(timeout).plusSeconds(5));
        feedHealthy = true;
        backoffMs = 100;
        if (page.path("reset").asBoolean(false)) {
          log.info(
              "associations: change feed reset at seq {}; reloading cluster {}", after, cluster);
          long latest = page.path("latestSeq").asLong(0);
          fullLoad();
          after = latest;
          continue;
        }
        for (JsonNode c : page.path("changes")) {
          apply(c);
          after = Math.max(after, c.path("seq").asLong(after));
        }
        after = Math.max(after, page.path("latestSeq").asLong(after));
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        if (closed) {
          return;
        }
        feedHealthy = false;
        metrics.sourceError(loaded ? "changes" : "list");
        log.warn(
            "associations: cannot follow cluster {} at {}: {}; retrying in {} ms",
            cluster,
            server.endpoint(),
            e.getMessage(),
            backoffMs);
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException ie) {
          return;
        }
        backoffMs = Math.min(5_000, backoffMs * 2);
      }
    }
  }

  private void fullLoad() throws IOException, InterruptedException {
    Map<Key, Association> all = new HashMap<>();
    String next = null;
    int pages = 0;
    do {
      String query = "maxResults=100" + (next == null ? "" : "&nextToken=" + enc(next));
      JsonNode body = get(listPath(), query, timeout);
      for (JsonNode a : body.path("associations")) {
        all.put(
            new Key(a.path("namespace").asText(), a.path("serviceAccount").asText()),
            association(a));
      }
      JsonNode token = body.path("nextToken");
      next = token.isTextual() && !token.asText().isEmpty() ? token.asText() : null;
      if (++pages > 10_000) {
        throw new IOException("ListPodIdentityAssociations did not end after 10000 pages");
      }
    } while (next != null);
    byKey.keySet().retainAll(all.keySet());
    byKey.putAll(all);
    negativeUntil.clear();
    log.info(
        "associations: loaded {} for cluster {} from {}", all.size(), cluster, server.endpoint());
  }

  private void apply(JsonNode change) {
    JsonNode a = change.path("association");
    Key key = new Key(a.path("namespace").asText(), a.path("serviceAccount").asText());
    String op = change.path("op").asText();
    negativeUntil.remove(key);
    if ("UPSERT".equals(op)) {
      byKey.put(key, association(a));
    } else if ("DELETE".equals(op)) {
      String id = a.path("associationId").asText();
      byKey.computeIfPresent(key, (k, v) -> v.id().equals(id) ? null : v);
    } else {
      log.warn("associations: ignoring change with unknown op {}", op);
    }
  }

  private static Association association(JsonNode a) {
    JsonNode role = a.path("roleArn");
    return new Association(
        a.path("associationId").asText(),
        a.path("associationArn").asText(),
        role.isTextual() ? Optional.of(role.asText()) : Optional.empty());
  }

  private String listPath() {
    return "/clusters/" + enc(cluster) + "/pod-identity-associations";
  }

  private String changesPath() {
    return "/podidentity/v1/clusters/" + enc(cluster) + "/association-changes";
  }

  private JsonNode get(String path, String query, Duration requestTimeout)
      throws IOException, InterruptedException {
    String base = server.endpoint().toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    URI uri = URI.create(base + path + "?" + query);
    Map<String, String> signed =
        SigV4Signer.sign(
            "GET",
            uri,
            Map.of(),
            new byte[0],
            server.credentials(),
            server.signingRegion(),
            "eks",
            Instant.now());
    HttpRequest.Builder req = HttpRequest.newBuilder(uri).GET().timeout(requestTimeout);
    signed.forEach(
        (k, v) -> {
          if (!k.equalsIgnoreCase("host")) { // the client sets Host itself, to the same value
            req.header(k, v);
          }
        });
    req.header("Accept", "application/json");
    HttpResponse<byte[]> res;
    try {
      res = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new IOException(
          e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
    }
    byte[] body = res.body();
    if (res.statusCode() != 200) {
      String type = res.headers().firstValue("x-amzn-ErrorType").orElse("");
      String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
      throw new IOException(
          "GET " + path + " answered " + res.statusCode() + " " + type + " " + text.strip());
    }
    if (body.length > MAX_BODY) {
      throw new IOException("GET " + path + " answered " + body.length + " bytes");
    }
    return JSON.readTree(body);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8)
        .replace("+", "%20")
        .replace("*", "%2A")
        .replace("%7E", "~");
  }

  @Override
  public void close() {
    closed = true;
    follower.interrupt();
    http.shutdownNow(); // close() would wait for the long poll in flight
  }
}
