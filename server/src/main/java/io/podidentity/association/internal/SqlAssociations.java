package io.podidentity.association.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import io.podidentity.association.Association;
import io.podidentity.http.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/** SQL for the associations table; every method runs on a handle the caller owns. */
public final class SqlAssociations {
  private SqlAssociations() {}

  /** A row with its sequence number (the stable pagination order). */
  public record Row(long seq, Association association) {}

  public static void insert(Handle h, Association a) {
    h.createUpdate(
            "INSERT INTO associations(association_id, cluster_name, namespace, service_account,"
                + " role_arn, target_role_arn, external_id, disable_session_tags, policy, tags,"
                + " owner_arn, created_at, modified_at) VALUES (:id, :cluster, :ns, :sa, :role,"
                + " :target, :ext, :dst, :policy, :tags, :owner, :created, :modified)")
        .bind("id", a.associationId())
        .bind("cluster", a.clusterName())
        .bind("ns", a.namespace())
        .bind("sa", a.serviceAccount())
        .bind("role", a.roleArn())
        .bind("target", a.targetRoleArn().orElse(null))
        .bind("ext", a.externalId().orElse(null))
        .bind("dst", a.disableSessionTags() ? 1 : 0)
        .bind("policy", a.policy().orElse(null))
        .bind("tags", tagsJson(a.tags()))
        .bind("owner", a.ownerArn().orElse(null))
        .bind("created", a.createdAt().toEpochMilli())
        .bind("modified", a.modifiedAt().toEpochMilli())
        .execute();
  }

  public static void update(Handle h, Association a) {
    h.createUpdate(
            "UPDATE associations SET role_arn = :role, target_role_arn = :target, external_id ="
                + " :ext, disable_session_tags = :dst, policy = :policy, modified_at = :modified"
                + " WHERE association_id = :id")
        .bind("id", a.associationId())
        .bind("role", a.roleArn())
        .bind("target", a.targetRoleArn().orElse(null))
        .bind("ext", a.externalId().orElse(null))
        .bind("dst", a.disableSessionTags() ? 1 : 0)
        .bind("policy", a.policy().orElse(null))
        .bind("modified", a.modifiedAt().toEpochMilli())
        .execute();
  }

  public static void delete(Handle h, String id) {
    h.createUpdate("DELETE FROM associations WHERE association_id = :id").bind("id", id).execute();
  }

  public static Optional<Association> byId(Handle h, String cluster, String id, String arnPrefix) {
    return h.createQuery(
            "SELECT * FROM associations WHERE cluster_name = :c AND association_id = :id")
        .bind("c", cluster)
        .bind("id", id)
        .map((rs, ctx) -> map(rs, arnPrefix))
        .findOne();
  }

  public static Optional<Association> byKey(
      Handle h, String cluster, String ns, String sa, String arnPrefix) {
    return h.createQuery(
            "SELECT * FROM associations WHERE cluster_name = :c AND namespace = :ns AND"
                + " service_account = :sa")
        .bind("c", cluster)
        .bind("ns", ns)
        .bind("sa", sa)
        .map((rs, ctx) -> map(rs, arnPrefix))
        .findOne();
  }

  public static int count(Handle h, String cluster) {
    return h.createQuery("SELECT count(*) FROM associations WHERE cluster_name = :c")
        .bind("c", cluster)
        .mapTo(Integer.class)
        .one();
  }

  /** Up to {@code limit} rows after {@code afterSeq} in sequence order, optionally filtered. */
  public static List<Row> page(
      Handle h,
      String cluster,
      Optional<String> ns,
      Optional<String> sa,
      long afterSeq,
      int limit,
      String arnPrefix) {
    StringBuilder sql =
        new StringBuilder("SELECT * FROM associations WHERE cluster_name = :c AND seq > :after");
    ns.ifPresent(x -> sql.append(" AND namespace = :ns"));
    sa.ifPresent(x -> sql.append(" AND service_account = :sa"));
    sql.append(" ORDER BY seq LIMIT :limit");
    Query q =
        h.createQuery(sql.toString())
            .bind("c", cluster)
            .bind("after", afterSeq)
            .bind("limit", limit);
    ns.ifPresent(x -> q.bind("ns", x));
    sa.ifPresent(x -> q.bind("sa", x));
    return q.map((rs, ctx) -> new Row(rs.getLong("seq"), map(rs, arnPrefix))).list();
  }

  static Association map(ResultSet rs, String arnPrefix) throws SQLException {
    String id = rs.getString("association_id");
    String cluster = rs.getString("cluster_name");
    return new Association(
        id,
        arnPrefix + cluster + "/" + id,
        cluster,
        rs.getString("namespace"),
        rs.getString("service_account"),
        rs.getString("role_arn"),
        Optional.ofNullable(rs.getString("target_role_arn")),
        Optional.ofNullable(rs.getString("external_id")),
        rs.getInt("disable_session_tags") != 0,
        Optional.ofNullable(rs.getString("policy")),
        parseTags(rs.getString("tags")),
        Optional.ofNullable(rs.getString("owner_arn")),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("modified_at")));
  }

  static String tagsJson(Map<String, String> tags) {
    return new String(Json.write(new java.util.TreeMap<>(tags)), StandardCharsets.UTF_8);
  }

  static Map<String, String> parseTags(String json) {
    try {
      return Json.MAPPER.readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (IOException e) {
      throw new IllegalStateException("corrupt tags column", e);
    }
  }
}
