package io.podidentity.association;

import io.podidentity.api.ApiException;
import io.podidentity.association.internal.NextToken;
import io.podidentity.association.internal.SqlAssociations;
import io.podidentity.auth.SecretBox;
import io.podidentity.cluster.Cluster;
import io.podidentity.cluster.ClusterRegistry;
import io.podidentity.http.Json;
import io.podidentity.sigv4.internal.Canonical;
import io.podidentity.store.Database;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;

/**
 * The pod identity association operations with EKS's rules: validation, one association per
 * (cluster, namespace, service account), the per-cluster limit, idempotent Create/Update through
 * clientRequestToken, and stable, tamper-proof pagination. Every write is one transaction that also
 * appends to the {@link ChangeFeed}.
 */
public final class AssociationService implements AssociationIndex {
  /** How long a clientRequestToken is remembered. */
  static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);

  private final Database db;
  private final ClusterRegistry clusters;
  private final ChangeFeed feed;
  private final NextToken tokens;
  private final Clock clock;
  private final boolean allowAccountlessRoles;
  private final Consumer<String> policyValidator;
  private final List<Consumer<Association>> listeners = new CopyOnWriteArrayList<>();

  /**
   * @param allowAccountlessRoles accept {@code arn:aws:iam:::role/NAME} (Ceph RGW) role ARNs, for
   *     the external STS issuer
   * @param policyValidator checks an association's session policy, throwing InvalidParameter
   */
  public AssociationService(
      Database db,
      ClusterRegistry clusters,
      ChangeFeed feed,
      SecretBox box,
      Clock clock,
      boolean allowAccountlessRoles,
      Consumer<String> policyValidator) {
    this.db = db;
    this.clusters = clusters;
    this.feed = feed;
    this.tokens = new NextToken(box);
    this.clock = clock;
    this.allowAccountlessRoles = allowAccountlessRoles;
    this.policyValidator = policyValidator;
  }

  /** Called with every association that was changed or deleted (caches drop their copy). */
  public void onChange(Consumer<Association> listener) {
    listeners.add(listener);
  }

  /** Input of Create. */
  public record CreateRequest(
      String namespace,
      String serviceAccount,
      String roleArn,
      Optional<String> targetRoleArn,
      Optional<Boolean> disableSessionTags,
      Optional<String> policy,
      Optional<Map<String, String>> tags,
      Optional<String> clientRequestToken) {
    CreateRequest withoutToken() {
      return new CreateRequest(
          namespace,
          serviceAccount,
          roleArn,
          targetRoleArn,
          disableSessionTags,
          policy,
          tags.map(java.util.TreeMap::new),
          Optional.empty());
    }
  }

  /** Input of Update: absent members are left as they are; an empty string clears an optional. */
  public record UpdateRequest(
      Optional<String> roleArn,
      Optional<String> targetRoleArn,
      Optional<Boolean> disableSessionTags,
      Optional<String> policy,
      Optional<String> clientRequestToken) {
    UpdateRequest withoutToken() {
      return new UpdateRequest(
          roleArn, targetRoleArn, disableSessionTags, policy, Optional.empty());
    }
  }

  public Association create(String clusterName, CreateRequest r) {
    Cluster cluster = clusters.require(clusterName);
    AssociationRules.namespace(r.namespace());
    AssociationRules.serviceAccount(r.serviceAccount());
    checkRole("roleArn", r.roleArn(), cluster);
    r.targetRoleArn()
        .ifPresent(t -> AssociationRules.roleArn("targetRoleArn", t, allowAccountlessRoles));
    r.tags().ifPresent(AssociationRules::tags);
    boolean dst = r.disableSessionTags().orElse(false);
    r.policy().ifPresent(p -> checkPolicy(p, dst));
    Instant now = clock.instant();
    String id = AssociationRules.newAssociationId();
    Association a =
        new Association(
            id,
            arnPrefix(cluster) + cluster.name() + "/" + id,
            cluster.name(),
            r.namespace(),
            r.serviceAccount(),
            r.roleArn(),
            r.targetRoleArn(),
            r.targetRoleArn().map(t -> externalId(cluster, r.namespace(), r.serviceAccount())),
            dst,
            r.policy(),
            r.tags().orElse(Map.of()),
            Optional.empty(),
            now,
            now);
    String hash = requestHash("create", cluster.name(), r.withoutToken());
    Association result =
        db.write(
            h -> {
              Optional<Association> replay =
                  replay(h, cluster, "create", r.clientRequestToken(), hash);
              if (replay.isPresent()) {
                return replay.get();
              }
              Optional<Association> existing =
                  SqlAssociations.byKey(
                      h, cluster.name(), r.namespace(), r.serviceAccount(), arnPrefix(cluster));
              if (existing.isPresent()) {
                throw ApiException.inUse(
                    "Association already exists: " + existing.get().associationId());
              }
              if (SqlAssociations.count(h, cluster.name()) >= AssociationRules.MAX_PER_CLUSTER) {
                throw ApiException.limitExceeded(
                    "Cluster "
                        + cluster.name()
                        + " already has the maximum of "
                        + AssociationRules.MAX_PER_CLUSTER
                        + " pod identity associations.");
              }
              SqlAssociations.insert(h, a);
              feed.record(h, "UPSERT", a);
              remember(h, cluster, "create", r.clientRequestToken(), hash, a);
              return a;
            });
    committed(result);
    return result;
  }

  public Association describe(String clusterName, String id) {
    Cluster cluster = clusters.require(clusterName);
    AssociationRules.associationId(id);
    return db.read(h -> SqlAssociations.byId(h, cluster.name(), id, arnPrefix(cluster)))
        .orElseThrow(() -> notFound(id, cluster));
  }

  /** The association for a pod's (namespace, service account), if any, read from the store. */
  @Override
  public Optional<Association> find(String clusterName, String namespace, String serviceAccount) {
    Cluster cluster = clusters.require(clusterName);
    return db.read(
        h ->
            SqlAssociations.byKey(
                h, cluster.name(), namespace, serviceAccount, arnPrefix(cluster)));
  }

  /** One page of ListPodIdentityAssociations. */
  public record Page(List<Association> associations, Optional<String> nextToken) {}

  public Page list(
      String clusterName,
      Optional<String> namespace,
      Optional<String> serviceAccount,
      Optional<Integer> maxResults,
      Optional<String> nextToken) {
    Cluster cluster = clusters.require(clusterName);
    int max = maxResults.orElse(100);
    if (max < 1 || max > 100) {
      throw ApiException.invalidParameter("maxResults must be between 1 and 100, was " + max + ".");
    }
    long after =
        nextToken.map(t -> tokens.open(t, cluster.name(), namespace, serviceAccount)).orElse(0L);
    List<SqlAssociations.Row> rows =
        db.read(
            h ->
                SqlAssociations.page(
                    h,
                    cluster.name(),
                    namespace,
                    serviceAccount,
                    after,
                    max + 1,
                    arnPrefix(cluster)));
    List<Association> out = new ArrayList<>();
    for (int i = 0; i < Math.min(max, rows.size()); i++) {
      out.add(rows.get(i).association());
    }
    Optional<String> next =
        rows.size() > max
            ? Optional.of(
                tokens.seal(cluster.name(), namespace, serviceAccount, rows.get(max - 1).seq()))
            : Optional.empty();
    return new Page(out, next);
  }

  public Association update(String clusterName, String id, UpdateRequest r) {
    Cluster cluster = clusters.require(clusterName);
    AssociationRules.associationId(id);
    if (r.roleArn().isEmpty()
        && r.targetRoleArn().isEmpty()
        && r.disableSessionTags().isEmpty()
        && r.policy().isEmpty()) {
      throw ApiException.invalidParameter(
          "Provide at least one of roleArn, targetRoleArn, disableSessionTags or policy to update.");
    }
    r.roleArn().ifPresent(x -> checkRole("roleArn", x, cluster));
    r.targetRoleArn()
        .filter(t -> !t.isEmpty())
        .ifPresent(t -> AssociationRules.roleArn("targetRoleArn", t, allowAccountlessRoles));
    String hash = requestHash("update:" + id, cluster.name(), r.withoutToken());
    Association result =
        db.write(
            h -> {
              Optional<Association> replay =
                  replay(h, cluster, "update:" + id, r.clientRequestToken(), hash);
              if (replay.isPresent()) {
                return replay.get();
              }
              Association cur =
                  SqlAssociations.byId(h, cluster.name(), id, arnPrefix(cluster))
                      .orElseThrow(() -> notFound(id, cluster));
              Optional<String> target =
                  r.targetRoleArn().isPresent()
                      ? r.targetRoleArn().filter(t -> !t.isEmpty())
                      : cur.targetRoleArn();
              boolean dst = r.disableSessionTags().orElse(cur.disableSessionTags());
              Optional<String> policy =
                  r.policy().isPresent() ? r.policy().filter(p -> !p.isEmpty()) : cur.policy();
              policy.ifPresent(p -> checkPolicy(p, dst));
              Association next =
                  new Association(
                      cur.associationId(),
                      cur.associationArn(),
                      cur.clusterName(),
                      cur.namespace(),
                      cur.serviceAccount(),
                      r.roleArn().orElse(cur.roleArn()),
                      target,
                      target.map(t -> externalId(cluster, cur.namespace(), cur.serviceAccount())),
                      dst,
                      policy,
                      cur.tags(),
                      cur.ownerArn(),
                      cur.createdAt(),
                      clock.instant());
              SqlAssociations.update(h, next);
              feed.record(h, "UPSERT", next);
              remember(h, cluster, "update:" + id, r.clientRequestToken(), hash, next);
              return next;
            });
    committed(result);
    return result;
  }

  public Association delete(String clusterName, String id) {
    Cluster cluster = clusters.require(clusterName);
    AssociationRules.associationId(id);
    Association gone =
        db.write(
            h -> {
              Association cur =
                  SqlAssociations.byId(h, cluster.name(), id, arnPrefix(cluster))
                      .orElseThrow(() -> notFound(id, cluster));
              SqlAssociations.delete(h, id);
              feed.record(h, "DELETE", cur);
              return cur;
            });
    committed(gone);
    return gone;
  }

  private void committed(Association a) {
    feed.committed();
    listeners.forEach(l -> l.accept(a));
  }

  private void checkRole(String param, String arn, Cluster cluster) {
    AssociationRules.RoleArn role = AssociationRules.roleArn(param, arn, allowAccountlessRoles);
    if (!role.accountId().isEmpty() && !role.accountId().equals(cluster.accountId())) {
      throw ApiException.invalidParameter(
          "The "
              + param
              + " must be in the cluster's account "
              + cluster.accountId()
              + "; it is in "
              + role.accountId()
              + ". Use targetRoleArn for a role in another account.");
    }
  }

  private void checkPolicy(String policy, boolean disableSessionTags) {
    if (policy.length() > AssociationRules.MAX_POLICY_LENGTH) {
      throw ApiException.invalidParameter(
          "policy must be at most " + AssociationRules.MAX_POLICY_LENGTH + " characters.");
    }
    // EKS user guide: a session policy requires disableSessionTags = true.
    if (!disableSessionTags) {
      throw ApiException.invalidParameter(
          "disableSessionTags must be true when a session policy is set.");
    }
    policyValidator.accept(policy);
  }

  /** The ExternalId EKS passes when assuming the target role (pod-id-assign-target-role.adoc). */
  private static String externalId(Cluster c, String ns, String sa) {
    return c.region() + "/" + c.accountId() + "/" + c.name() + "/" + ns + "/" + sa;
  }

  private static String arnPrefix(Cluster c) {
    return "arn:"
        + Cluster.partition(c.region())
        + ":eks:"
        + c.region()
        + ":"
        + c.accountId()
        + ":podidentityassociation/";
  }

  private static ApiException notFound(String id, Cluster c) {
    return ApiException.notFound(
        "No Pod Identity association found for id " + id + " in cluster " + c.name() + ".");
  }

  private Optional<Association> replay(
      Handle h, Cluster c, String op, Optional<String> token, String hash) {
    if (token.isEmpty()) {
      return Optional.empty();
    }
    h.createUpdate("DELETE FROM idempotency WHERE created_at < :t")
        .bind("t", clock.millis() - IDEMPOTENCY_WINDOW.toMillis())
        .execute();
    return h.createQuery(
            "SELECT request_hash, response FROM idempotency WHERE cluster_name = :c AND operation"
                + " = :op AND token = :t")
        .bind("c", c.name())
        .bind("op", op)
        .bind("t", token.get())
        .map(
            (rs, ctx) -> {
              if (!rs.getString("request_hash").equals(hash)) {
                throw ApiException.invalidRequest(
                    "The clientRequestToken "
                        + AssociationRules.clip(token.get())
                        + " was already used with different parameters.");
              }
              return decode(rs.getString("response"), c);
            })
        .findOne();
  }

  private void remember(
      Handle h, Cluster c, String op, Optional<String> token, String hash, Association a) {
    if (token.isEmpty()) {
      return;
    }
    if (token.get().length() > 128) {
      throw ApiException.invalidParameter("clientRequestToken must be at most 128 characters.");
    }
    h.createUpdate(
            "INSERT INTO idempotency(cluster_name, operation, token, request_hash, response,"
                + " created_at) VALUES (:c, :op, :t, :h, :r, :now)")
        .bind("c", c.name())
        .bind("op", op)
        .bind("t", token.get())
        .bind("h", hash)
        .bind("r", new String(Json.write(a.toWire()), StandardCharsets.UTF_8))
        .bind("now", clock.millis())
        .execute();
  }

  private static Association decode(String json, Cluster c) {
    try {
      var n = Json.MAPPER.readTree(json);
      return new Association(
          n.get("associationId").asText(),
          n.get("associationArn").asText(),
          n.get("clusterName").asText(),
          n.get("namespace").asText(),
          n.get("serviceAccount").asText(),
          n.get("roleArn").asText(),
          Optional.ofNullable(n.get("targetRoleArn")).map(x -> x.asText()),
          Optional.ofNullable(n.get("externalId")).map(x -> x.asText()),
          n.path("disableSessionTags").asBoolean(false),
          Optional.ofNullable(n.get("policy")).map(x -> x.asText()),
          Json.MAPPER.convertValue(
              n.get("tags"),
              new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {}),
          Optional.ofNullable(n.get("ownerArn")).map(x -> x.asText()),
          millis(n.get("createdAt").decimalValue()),
          millis(n.get("modifiedAt").decimalValue()));
    } catch (IOException e) {
      throw new IllegalStateException("corrupt idempotency record for cluster " + c.name(), e);
    }
  }

  private static Instant millis(java.math.BigDecimal secs) {
    return Instant.ofEpochMilli(secs.movePointRight(3).longValue());
  }

  private static String requestHash(String op, String cluster, Object request) {
    return Canonical.sha256Hex(op + "\n" + cluster + "\n" + request);
  }
}
