package io.podidentity.token.internal;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.podidentity.token.JwkKeys;
import io.podidentity.token.JwksFetchOptions;
import io.podidentity.token.JwksSource;
import io.podidentity.token.TokenErrors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JWKS fetched over HTTP(S), cached as parsed {@link JwkKeys}.
 *
 * <ul>
 *   <li>The first use fetches; afterwards the key set is re-fetched when it is older than {@code
 *       refreshInterval} (by the one caller that gets the lock — concurrent callers keep using the
 *       cached keys meanwhile) and when a token names an unknown kid (callers wait for that fetch,
 *       since they need its answer).
 *   <li>Every fetch attempt, whatever triggered it, is at least {@code minFetchInterval} after the
 *       previous one: a flood of tokens with made-up kids, or an issuer that is down, costs the
 *       issuer at most one request per interval.
 *   <li>A failed fetch (network, status other than 200, more than {@code maxBytes}, not a JWKS)
 *       keeps the last good key set.
 * </ul>
 */
public final class UrlJwksSource implements JwksSource {
  private static final Logger LOG = LoggerFactory.getLogger(UrlJwksSource.class);

  private record Loaded(JwkKeys keys, Instant fetchedAt) {}

  private final URI uri;
  private final String discoveryIssuer;
  private final JwksFetchOptions options;
  private final Clock clock;
  private final HttpClient client;
  private final ReentrantLock fetchLock = new ReentrantLock();
  private final AtomicLong fetchAttempts = new AtomicLong();
  private volatile Loaded loaded;
  private Instant lastAttempt; // guarded by fetchLock
  private URI discoveredJwksUri; // guarded by fetchLock

  /** The JWKS at {@code uri}. */
  public UrlJwksSource(URI uri, JwksFetchOptions options, Clock clock, HttpClient client) {
    this(uri, null, options, clock, client);
  }

  private UrlJwksSource(
      URI uri, String discoveryIssuer, JwksFetchOptions options, Clock clock, HttpClient client) {
    this.uri = requireHttp(Objects.requireNonNull(uri, "uri"), "JWKS URL");
    this.discoveryIssuer = discoveryIssuer;
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.client = Objects.requireNonNull(client, "client");
  }

  /**
   * The JWKS named by the {@code jwks_uri} of {@code issuer}'s OpenID Connect discovery document
   * ({@code ISSUER/.well-known/openid-configuration}, OIDC Discovery 1.0 §4), whose {@code issuer}
   * must equal {@code issuer} exactly (§4.3). The {@code jwks_uri} is looked up again after a
   * failed JWKS fetch.
   */
  public static UrlJwksSource discovering(
      String issuer, JwksFetchOptions options, Clock clock, HttpClient client) {
    Objects.requireNonNull(issuer, "issuer");
    String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    URI discovery;
    try {
      discovery = URI.create(base + "/.well-known/openid-configuration");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("issuer is not a URL: " + issuer, e);
    }
    return new UrlJwksSource(discovery, issuer, options, clock, client);
  }

  private static URI requireHttp(URI uri, String what) {
    String scheme = uri.getScheme();
    if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException(what + " must be http or https, was " + uri);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(what + " has no host: " + uri);
    }
    return uri;
  }

  /** An HTTP client with the options' connect timeout that follows same-or-safer redirects. */
  public static HttpClient defaultClient(JwksFetchOptions options) {
    return HttpClient.newBuilder()
        .connectTimeout(options.connectTimeout())
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  @Override
  public JwkKeys current() {
    Loaded l = loaded;
    if (l == null) {
      fetchLock.lock();
      try {
        if (loaded == null) {
          fetchIfAllowed();
        }
      } finally {
        fetchLock.unlock();
      }
      l = loaded;
      if (l == null) {
        throw TokenErrors.keysUnavailable();
      }
      return l.keys();
    }
    if (!clock.instant().isBefore(l.fetchedAt().plus(options.refreshInterval()))
        && fetchLock.tryLock()) {
      try {
        if (loaded == l) {
          fetchIfAllowed();
        }
      } finally {
        fetchLock.unlock();
      }
    }
    return loaded.keys();
  }

  @Override
  public JwkKeys onUnknownKid(String kid) {
    fetchLock.lock();
    try {
      Loaded l = loaded;
      if (l == null || !l.keys().containsKid(kid)) {
        fetchIfAllowed();
      }
    } finally {
      fetchLock.unlock();
    }
    Loaded l = loaded;
    if (l == null) {
      throw TokenErrors.keysUnavailable();
    }
    return l.keys();
  }

  /** How many fetches were attempted (for metrics and tests). */
  public long fetchAttempts() {
    return fetchAttempts.get();
  }

  @Override
  public String toString() {
    return discoveryIssuer == null ? "JWKS " + uri : "JWKS of issuer " + discoveryIssuer;
  }

  /** Fetches unless the last attempt was less than minFetchInterval ago. Holds fetchLock. */
  private void fetchIfAllowed() {
    Instant now = clock.instant();
    if (lastAttempt != null && now.isBefore(lastAttempt.plus(options.minFetchInterval()))) {
      return;
    }
    lastAttempt = now;
    fetchAttempts.incrementAndGet();
    try {
      JwkKeys keys = JwkKeys.parse(fetch(jwksUri()));
      loaded = new Loaded(keys, clock.instant());
      LOG.debug("fetched {}: {}", uri, keys);
    } catch (IOException | IllegalArgumentException e) {
      discoveredJwksUri = null;
      LOG.warn("fetching JWKS {} failed, keeping the previous keys: {}", uri, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("fetching JWKS {} was interrupted", uri);
    }
  }

  /** The JWKS URL: {@link #uri}, or the discovered {@code jwks_uri}. Holds fetchLock. */
  private URI jwksUri() throws IOException, InterruptedException {
    if (discoveryIssuer == null) {
      return uri;
    }
    if (discoveredJwksUri == null) {
      Map<String, Object> doc;
      try {
        doc = JSONObjectUtils.parse(fetch(uri));
      } catch (ParseException e) {
        throw new IOException("the discovery document " + uri + " is not a JSON object");
      }
      if (!discoveryIssuer.equals(doc.get("issuer"))) {
        throw new IOException("the discovery document " + uri + " names another issuer");
      }
      if (!(doc.get("jwks_uri") instanceof String jwks)) {
        throw new IOException("the discovery document " + uri + " has no jwks_uri");
      }
      try {
        discoveredJwksUri = requireHttp(new URI(jwks), "jwks_uri");
      } catch (URISyntaxException e) {
        throw new IOException("the discovery document's jwks_uri is not a URL");
      }
    }
    return discoveredJwksUri;
  }

  private String fetch(URI target) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(target)
            .timeout(options.requestTimeout())
            .header("Accept", "application/json, application/jwk-set+json")
            .GET()
            .build();
    // sendAsync + get(timeout): HttpRequest.timeout only bounds the wait for the headers; this
    // bounds the whole exchange, so an issuer that trickles bytes cannot hold the fetch lock.
    CompletableFuture<HttpResponse<byte[]>> future =
        client.sendAsync(req, info -> new BoundedBody(options.maxBytes()));
    HttpResponse<byte[]> resp;
    try {
      resp = future.get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new IOException("no complete answer within " + options.requestTimeout());
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new IOException(cause == null ? "failed" : cause.toString(), cause);
    }
    if (resp.statusCode() != 200) {
      throw new IOException("HTTP status " + resp.statusCode());
    }
    return new String(resp.body(), StandardCharsets.UTF_8);
  }

  /** Collects a body of at most {@code max} bytes; fails (and stops reading) beyond that. */
  private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int max;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    BoundedBody(int max) {
      this.max = max;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer b : items) {
        if (out.size() + b.remaining() > max) {
          result.completeExceptionally(
              new IOException("document is larger than " + max + " bytes"));
          subscription.cancel();
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        out.writeBytes(chunk);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }
  }
}
