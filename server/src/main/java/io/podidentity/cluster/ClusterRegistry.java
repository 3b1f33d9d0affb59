package io.podidentity.cluster;

import io.podidentity.api.ApiException;
import io.podidentity.store.Database;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;

/**
 * The clusters this server knows, stored durably and held in memory (there are few, and every EKS
 * and EKS Auth call looks one up).
 */
public final class ClusterRegistry {
  private final Database db;
  private final AtomicReference<List<Cluster>> all = new AtomicReference<>();
  private final List<Consumer<String>> removalListeners = new CopyOnWriteArrayList<>();

  public ClusterRegistry(Database db) {
    this.db = db;
    reload();
  }

  public List<Cluster> list() {
    return all.get();
  }

  public Optional<Cluster> find(String name) {
    for (Cluster c : all.get()) {
      if (c.name().equals(name)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /**
   * The named cluster, or ResourceNotFoundException "No cluster found for name: X." as EKS says.
   */
  public Cluster require(String name) {
    return find(name)
        .orElseThrow(() -> ApiException.notFound("No cluster found for name: " + name + "."));
  }

  /** Registers a cluster; ResourceInUseException when the name is taken. */
  public Cluster add(Cluster c) {
    db.write(
        h -> {
          boolean exists =
              h.createQuery("SELECT count(*) FROM clusters WHERE name = :n")
                      .bind("n", c.name())
                      .mapTo(Integer.class)
                      .one()
                  > 0;
          if (exists) {
            throw ApiException.inUse("Cluster already exists with name: " + c.name());
          }
          insert(h, c);
          return null;
        });
    reload();
    return c;
  }

  /** Registers the cluster unless one of that name exists; returns the stored one. */
  public Cluster ensure(Cluster c) {
    Optional<Cluster> existing = find(c.name());
    if (existing.isPresent()) {
      return existing.get();
    }
    return add(c);
  }

  /** Replaces the token trust (issuer, JWKS) of an existing cluster. */
  public Cluster updateTrust(Cluster c) {
    db.write(
        h ->
            h.createUpdate(
                    "UPDATE clusters SET issuer = :issuer, jwks = :jwks, jwks_uri = :uri WHERE name"
                        + " = :n")
                .bind("issuer", c.issuer())
                .bind("jwks", c.jwks().orElse(null))
                .bind("uri", c.jwksUri().orElse(null))
                .bind("n", c.name())
                .execute());
    reload();
    return require(c.name());
  }

  /** Removes a cluster; ResourceInUseException while it still has associations. */
  public Cluster remove(String name) {
    Cluster c = require(name);
    db.write(
        h -> {
          int n =
              h.createQuery("SELECT count(*) FROM associations WHERE cluster_name = :n")
                  .bind("n", name)
                  .mapTo(Integer.class)
                  .one();
          if (n > 0) {
            throw ApiException.inUse(
                "Cluster has " + n + " pod identity associations; delete them first.");
          }
          h.createUpdate("DELETE FROM association_changes WHERE cluster_name = :n")
              .bind("n", name)
              .execute();
          h.createUpdate("DELETE FROM idempotency WHERE cluster_name = :n")
              .bind("n", name)
              .execute();
          h.createUpdate("DELETE FROM clusters WHERE name = :n").bind("n", name).execute();
          return null;
        });
    reload();
    removalListeners.forEach(l -> l.accept(name));
    return c;
  }

  /** Called with a cluster's name after it is removed (caches drop their entries). */
  public void onRemoval(Consumer<String> listener) {
    removalListeners.add(listener);
  }

  private static void insert(Handle h, Cluster c) {
    h.createUpdate(
            "INSERT INTO clusters(name, arn, account_id, region, issuer, jwks, jwks_uri,"
                + " created_at) VALUES (:name, :arn, :acct, :region, :issuer, :jwks, :uri,"
                + " :created)")
        .bind("name", c.name())
        .bind("arn", c.arn())
        .bind("acct", c.accountId())
        .bind("region", c.region())
        .bind("issuer", c.issuer())
        .bind("jwks", c.jwks().orElse(null))
        .bind("uri", c.jwksUri().orElse(null))
        .bind("created", c.createdAt().toEpochMilli())
        .execute();
  }

  private void reload() {
    all.set(
        db.read(
            h ->
                h.createQuery("SELECT * FROM clusters ORDER BY created_at, name")
                    .map(
                        (rs, ctx) ->
                            new Cluster(
                                rs.getString("name"),
                                rs.getString("account_id"),
                                rs.getString("region"),
                                rs.getString("issuer"),
                                Optional.ofNullable(rs.getString("jwks")),
                                Optional.ofNullable(rs.getString("jwks_uri")),
                                Instant.ofEpochMilli(rs.getLong("created_at"))))
                    .list()));
  }
}
