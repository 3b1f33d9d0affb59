package io.podidentity.agent.internal;

import io.podidentity.api.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The credential cache, a decorator of the source that asks the server.
 *
 * <ul>
 *   <li><b>Keyed by the whole token</b> (String equality over every character), so one pod's token
 *       is never answered with credentials fetched for another. Not a hash of it: hashing 1 KiB
 *       with SHA-256 on every hit cost more than the rest of the cache (JFR, bench/README.md), and
 *       the entry must hold the token anyway to refresh it. Logs name an entry by {@link TokenKey},
 *       a SHA-256 prefix, never by the token.
 *   <li><b>Single-flight:</b> concurrent misses for one token share one {@link CompletableFuture};
 *       one caller asks the server, the others wait on the future (no polling).
 *   <li><b>Refresh ahead:</b> an entry is refreshed in the background at {@code min(expiry -
 *       refreshBeforeExpiry, fetched + maxRetention)} minus up to 10% jitter (at most 5 min), so
 *       pods see fresh credentials well before the SDKs' own 15-minute refresh windows. A hit past
 *       that time also starts the refresh; it never waits for it.
 *   <li><b>Stale while failing:</b> when a refresh fails transiently the old credentials keep being
 *       served while more than {@link #MIN_REMAINING} remain, and the refresh is retried after
 *       {@code refreshRetry} (jittered).
 *   <li><b>Revocation:</b> ResourceNotFound, InvalidToken, ExpiredToken and AccessDenied from the
 *       server drop the entry at once.
 *   <li><b>Bounded:</b> at most {@code maxSize} entries, least recently used evicted first. Entries
 *       nobody asked for during {@code maxRetention} are dropped instead of refreshed (pods that
 *       are gone), unlike AWS's agent which refreshes them until their token expires (its issue
 *       #171).
 *   <li>Errors are never cached.
 * </ul>
 */
public final class CachingCredentialSource implements CredentialSource, AutoCloseable {
  /** Credentials closer than this to expiry are not served (AWS's agent uses the same 15 s). */
  public static final Duration MIN_REMAINING = Duration.ofSeconds(15);

  private static final Logger LOG = LoggerFactory.getLogger(CachingCredentialSource.class);

  private final CredentialSource delegate;
  private final int maxSize;
  private final Duration refreshBeforeExpiry;
  private final Duration maxRetention;
  private final Duration refreshRetry;
  private final Clock clock;
  private final AgentMetrics metrics;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CompletableFuture<PodCredentials>> inflight =
      new ConcurrentHashMap<>();
  private final ExecutorService refreshers = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService janitor;

  /** Times are epoch millis: the hit path compares longs rather than making Instants. */
  private static final class Entry {
    final String token;
    final PodCredentials creds;
    final long serveUntil;
    volatile long nextRefresh;
    volatile long lastAccess;
    final AtomicBoolean refreshing = new AtomicBoolean();

    Entry(String token, PodCredentials creds, long fetchedAt, long nextRefresh) {
      this.token = token;
      this.creds = creds;
      this.serveUntil = creds.expiration().minus(MIN_REMAINING).toEpochMilli();
      this.nextRefresh = nextRefresh;
      this.lastAccess = fetchedAt;
    }
  }

  /**
   * @param scanEvery how often the janitor looks for entries due for refresh or expired
   */
  public CachingCredentialSource(
      CredentialSource delegate,
      int maxSize,
      Duration refreshBeforeExpiry,
      Duration maxRetention,
      Duration refreshRetry,
      Duration scanEvery,
      Clock clock,
      AgentMetrics metrics) {
    this.delegate = delegate;
    this.maxSize = maxSize;
    this.refreshBeforeExpiry = refreshBeforeExpiry;
    this.maxRetention = maxRetention;
    this.refreshRetry = refreshRetry;
    this.clock = clock;
    this.metrics = metrics;
    metrics.cacheEntries(entries::size);
    this.janitor =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("agent-cache-janitor").factory());
    long every = Math.max(1, scanEvery.toMillis());
    janitor.scheduleWithFixedDelay(this::scan, every, every, TimeUnit.MILLISECONDS);
  }

  /** Entries now cached. */
  public int size() {
    return entries.size();
  }

  /** True when at least one cached entry can still be served. */
  public boolean hasServableEntry() {
    long now = clock.millis();
    for (Entry e : entries.values()) {
      if (servable(e, now)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public PodCredentials fetch(String token) {
    String key = token;
    Entry e = entries.get(key);
    if (e != null) {
      long now = clock.millis();
      if (servable(e, now)) {
        if (now - e.lastAccess > 1000) {
          e.lastAccess = now; // coarse, to keep hits from all writing one shared field
        }
        metrics.hit();
        if (now >= e.nextRefresh) {
          refreshAsync(key, e);
        }
        return e.creds;
      }
      if (entries.remove(key, e)) {
        metrics.eviction("expired");
      }
    }
    metrics.miss();
    return load(key, token);
  }

  private static boolean servable(Entry e, long now) {
    return now < e.serveUntil;
  }

  /** Joins the call in flight for this key, or makes it. */
  private PodCredentials load(String key, String token) {
    CompletableFuture<PodCredentials> mine = new CompletableFuture<>();
    CompletableFuture<PodCredentials> running = inflight.putIfAbsent(key, mine);
    if (running != null) {
      return await(running);
    }
    try {
      PodCredentials c = delegate.fetch(token);
      store(key, token, c);
      mine.complete(c);
      return c;
    } catch (ApiException ex) {
      if (AgentErrors.EVICTING.contains(ex.code())) {
        Entry gone = entries.remove(key);
        if (gone != null) {
          metrics.eviction("revoked");
          LOG.info(
              "Dropped cached credentials of {}: server answered {}", TokenKey.of(key), ex.code());
        }
      }
      mine.completeExceptionally(ex);
      throw ex;
    } catch (RuntimeException | Error ex) {
      mine.completeExceptionally(ex);
      throw ex;
    } finally {
      inflight.remove(key, mine);
    }
  }

  private static PodCredentials await(CompletableFuture<PodCredentials> f) {
    try {
      return f.join();
    } catch (CompletionException ce) {
      if (ce.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw ce;
    }
  }

  private void store(String key, String token, PodCredentials c) {
    if (maxSize == 0) {
      return;
    }
    Instant now = clock.instant();
    if (!c.expiration().minus(MIN_REMAINING).isAfter(now)) {
      return; // too short-lived to be worth caching; the caller still gets them
    }
    entries.put(
        key,
        new Entry(token, c, now.toEpochMilli(), refreshAt(now, c.expiration()).toEpochMilli()));
    while (entries.size() > maxSize) {
      evictLeastRecentlyUsed(key);
    }
  }

  /** When to refresh credentials fetched at {@code now} that expire at {@code expiry}. */
  Instant refreshAt(Instant now, Instant expiry) {
    Duration lifetime = Duration.between(now, expiry);
    Duration ahead = min(refreshBeforeExpiry, lifetime.dividedBy(2));
    Instant target = min(expiry.minus(ahead), now.plus(maxRetention));
    long window = Duration.between(now, target).toMillis();
    long maxJitter = Math.min(window / 10, Duration.ofMinutes(5).toMillis());
    long jitter = maxJitter <= 0 ? 0 : ThreadLocalRandom.current().nextLong(maxJitter + 1);
    return target.minusMillis(jitter);
  }

  private void evictLeastRecentlyUsed(String keep) {
    Map.Entry<String, Entry> oldest = null;
    for (Map.Entry<String, Entry> me : entries.entrySet()) {
      if (me.getKey().equals(keep)) {
        continue;
      }
      if (oldest == null || me.getValue().lastAccess < oldest.getValue().lastAccess) {
        oldest = me;
      }
    }
    if (oldest == null) {
      return;
    }
    if (entries.remove(oldest.getKey(), oldest.getValue())) {
      metrics.eviction("lru");
    }
  }

  private void refreshAsync(String key, Entry e) {
    if (!e.refreshing.compareAndSet(false, true)) {
      return;
    }
    try {
      refreshers.execute(
          () -> {
            try {
              refresh(key, e);
            } finally {
              e.refreshing.set(false);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      e.refreshing.set(false);
    }
  }

  private void refresh(String key, Entry e) {
    try {
      load(key, e.token);
      metrics.refresh(true);
    } catch (ApiException ex) {
      metrics.refresh(false);
      if (!AgentErrors.EVICTING.contains(ex.code())) {
        long base = refreshRetry.toMillis();
        e.nextRefresh = clock.millis() + base + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        LOG.warn(
            "Refresh of {} failed ({} {}); serving cached credentials until {}",
            TokenKey.of(key),
            ex.status(),
            ex.code(),
            e.creds.expiration());
      }
    } catch (RuntimeException ex) {
      metrics.refresh(false);
      e.nextRefresh = clock.millis() + refreshRetry.toMillis();
      LOG.warn("Refresh of {} failed", TokenKey.of(key), ex);
    }
  }

  /** Drops expired and idle entries and starts the refreshes that are due. */
  void scan() {
    try {
      long now = clock.millis();
      for (Map.Entry<String, Entry> me : entries.entrySet()) {
        Entry e = me.getValue();
        if (!servable(e, now)) {
          if (entries.remove(me.getKey(), e)) {
            metrics.eviction("expired");
          }
        } else if (now >= e.nextRefresh) {
          if (e.lastAccess + maxRetention.toMillis() < now) {
            if (entries.remove(me.getKey(), e)) {
              metrics.eviction("idle");
              LOG.debug(
                  "Dropped {}: not asked for during {}", TokenKey.of(me.getKey()), maxRetention);
            }
          } else {
            refreshAsync(me.getKey(), e);
          }
        }
      }
    } catch (RuntimeException ex) {
      LOG.warn("Cache scan failed", ex);
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  @Override
  public void close() {
    janitor.shutdownNow();
    refreshers.shutdownNow();
  }
}
