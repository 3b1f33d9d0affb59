package io.podidentity.association;

import io.podidentity.cluster.ClusterRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps {@link AssociationIndex} answers (including "none") in memory, so the hot paths do not
 * query the store on every request and the cost does not grow with the number of associations.
 * Every change made through the {@link AssociationService} drops the entry it affects; an answer
 * read while a change was committing is not cached, so a stale answer cannot stick.
 */
public final class CachedAssociationIndex implements AssociationIndex {
  /** Past this many entries the cache starts over (entries are reloaded on use). */
  static final int MAX_ENTRIES = 200_000;

  private record Key(String cluster, String namespace, String serviceAccount) {}

  private final AssociationIndex source;
  private final Map<Key, Optional<Association>> cache = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();

  public CachedAssociationIndex(
      AssociationIndex source, AssociationService changes, ClusterRegistry clusters) {
    this.source = source;
    changes.onChange(
        a -> {
          generation.incrementAndGet();
          cache.remove(new Key(a.clusterName(), a.namespace(), a.serviceAccount()));
        });
    clusters.onRemoval(
        name -> {
          generation.incrementAndGet();
          cache.keySet().removeIf(k -> k.cluster().equals(name));
        });
  }

  @Override
  public Optional<Association> find(String cluster, String namespace, String serviceAccount) {
    Key k = new Key(cluster, namespace, serviceAccount);
    Optional<Association> hit = cache.get(k);
    if (hit != null) {
      return hit;
    }
    long before = generation.get();
    Optional<Association> loaded = source.find(cluster, namespace, serviceAccount);
    if (generation.get() == before) {
      if (cache.size() >= MAX_ENTRIES) {
        cache.clear();
      }
      cache.put(k, loaded);
      if (generation.get() != before) {
        cache.remove(k);
      }
    }
    return loaded;
  }
}
