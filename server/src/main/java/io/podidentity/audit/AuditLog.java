package io.podidentity.audit;

import io.podidentity.api.ApiException;
import io.podidentity.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.Query;

/** The durable audit trail of credential issuance, written in the store and queryable. */
public final class AuditLog {
  private final Database db;

  public AuditLog(Database db) {
    this.db = db;
  }

  public void record(AuditRecord r) {
    db.write(
        h ->
            h.createUpdate(
                    "INSERT INTO audit(at, cluster_name, namespace, service_account, pod_name,"
                        + " pod_uid, node_name, association_id, role_arn, session_name,"
                        + " access_key_id, expires_at, outcome, reason, caller_arn,"
                        + " upstream_request_id) VALUES (:at, :c, :ns, :sa, :pod, :uid, :node,"
                        + " :assoc, :role, :session, :akid, :exp, :outcome, :reason, :caller,"
                        + " :upstream)")
                .bind("at", r.at().toEpochMilli())
                .bind("c", r.clusterName())
                .bind("ns", r.namespace().orElse(null))
                .bind("sa", r.serviceAccount().orElse(null))
                .bind("pod", r.podName().orElse(null))
                .bind("uid", r.podUid().orElse(null))
                .bind("node", r.nodeName().orElse(null))
                .bind("assoc", r.associationId().orElse(null))
                .bind("role", r.roleArn().orElse(null))
                .bind("session", r.sessionName().orElse(null))
                .bind("akid", r.accessKeyId().orElse(null))
                .bind("exp", r.expiresAt().map(Instant::toEpochMilli).orElse(null))
                .bind("outcome", r.outcome().name())
                .bind("reason", r.reason().orElse(null))
                .bind("caller", r.callerArn().orElse(null))
                .bind("upstream", r.upstreamRequestId().orElse(null))
                .execute());
  }

  /** A query: every member optional; newest first; at most {@code limit} (1–1000) records. */
  public record Filter(
      Optional<Instant> from,
      Optional<Instant> to,
      Optional<String> cluster,
      Optional<String> namespace,
      Optional<String> serviceAccount,
      Optional<String> roleArn,
      int limit) {
    public Filter {
      if (limit < 1 || limit > 1000) {
        throw ApiException.invalidParameter("maxResults must be between 1 and 1000.");
      }
    }
  }

  public List<AuditRecord> query(Filter f) {
    StringBuilder sql = new StringBuilder("SELECT * FROM audit WHERE 1=1");
    f.from().ifPresent(x -> sql.append(" AND at >= :from"));
    f.to().ifPresent(x -> sql.append(" AND at < :to"));
    f.cluster().ifPresent(x -> sql.append(" AND cluster_name = :c"));
    f.namespace().ifPresent(x -> sql.append(" AND namespace = :ns"));
    f.serviceAccount().ifPresent(x -> sql.append(" AND service_account = :sa"));
    f.roleArn().ifPresent(x -> sql.append(" AND role_arn = :role"));
    sql.append(" ORDER BY id DESC LIMIT :limit");
    return db.read(
        h -> {
          Query q = h.createQuery(sql.toString()).bind("limit", f.limit());
          f.from().ifPresent(x -> q.bind("from", x.toEpochMilli()));
          f.to().ifPresent(x -> q.bind("to", x.toEpochMilli()));
          f.cluster().ifPresent(x -> q.bind("c", x));
          f.namespace().ifPresent(x -> q.bind("ns", x));
          f.serviceAccount().ifPresent(x -> q.bind("sa", x));
          f.roleArn().ifPresent(x -> q.bind("role", x));
          return q.map((rs, ctx) -> map(rs)).list();
        });
  }

  private static AuditRecord map(ResultSet rs) throws SQLException {
    long exp = rs.getLong("expires_at");
    boolean hasExp = !rs.wasNull();
    return new AuditRecord(
        Instant.ofEpochMilli(rs.getLong("at")),
        rs.getString("cluster_name"),
        opt(rs, "namespace"),
        opt(rs, "service_account"),
        opt(rs, "pod_name"),
        opt(rs, "pod_uid"),
        opt(rs, "node_name"),
        opt(rs, "association_id"),
        opt(rs, "role_arn"),
        opt(rs, "session_name"),
        opt(rs, "access_key_id"),
        hasExp ? Optional.of(Instant.ofEpochMilli(exp)) : Optional.empty(),
        AuditRecord.Outcome.valueOf(rs.getString("outcome")),
        opt(rs, "reason"),
        opt(rs, "caller_arn"),
        opt(rs, "upstream_request_id"));
  }

  private static Optional<String> opt(ResultSet rs, String col) throws SQLException {
    return Optional.ofNullable(rs.getString(col));
  }
}
