package io.podidentity.association;

import com.fasterxml.jackson.databind.JsonNode;
import io.podidentity.http.Json;
import io.podidentity.store.Database;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The ordered log of association changes per cluster (docs/internal-api.md): written in the same
 * transaction as the change itself, read by the webhook with a long poll so that it never has to
 * rely on a periodic full reload (issue 6, "kept current from the server").
 */
public final class ChangeFeed {
  /** How many changes are kept; older cursors get {@code reset: true}. */
  static final int RETAINED = 20_000;

  private final Database db;
  private final Clock clock;
  private final Object signal = new Object();
  private long writes;

  public ChangeFeed(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Records a change inside the caller's write transaction. */
  void record(Handle h, String op, Association a) {
    Map<String, Object> m = new LinkedHashMap<>(a.toSummary());
    m.put("roleArn", a.roleArn());
    h.createUpdate(
            "INSERT INTO association_changes(cluster_name, op, association, created_at) VALUES"
                + " (:c, :op, :a, :t)")
        .bind("c", a.clusterName())
        .bind("op", op)
        .bind("a", new String(Json.write(m), StandardCharsets.UTF_8))
        .bind("t", clock.millis())
        .execute();
    h.createUpdate(
            "DELETE FROM association_changes WHERE seq <= (SELECT max(seq) FROM"
                + " association_changes) - :keep")
        .bind("keep", RETAINED)
        .execute();
  }

  /** Wakes long-polling readers; call after the transaction that recorded changes committed. */
  void committed() {
    synchronized (signal) {
      writes++;
      signal.notifyAll();
    }
  }

  /** The answer of the change-feed endpoint. */
  public record Page(List<Map<String, Object>> changes, long latestSeq, boolean reset) {}

  /** Changes after {@code after}, waiting up to {@code wait} for one to appear. */
  public Page read(String cluster, long after, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      long seen;
      synchronized (signal) {
        seen = writes;
      }
      Page p = readNow(cluster, after);
      if (!p.changes().isEmpty() || p.reset()) {
        return p;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return p;
      }
      synchronized (signal) {
        if (writes == seen) {
          signal.wait(Math.max(1, left / 1_000_000));
        }
      }
    }
  }

  private Page readNow(String cluster, long after) {
    return db.read(
        h -> {
          long latest =
              h.createQuery("SELECT coalesce(max(seq), 0) FROM association_changes")
                  .mapTo(Long.class)
                  .one();
          long oldest =
              h.createQuery("SELECT coalesce(min(seq), 0) FROM association_changes")
                  .mapTo(Long.class)
                  .one();
          boolean reset = after > latest || (after > 0 && oldest > 0 && after < oldest - 1);
          if (reset) {
            return new Page(List.of(), latest, true);
          }
          List<Map<String, Object>> changes = new ArrayList<>();
          h.createQuery(
                  "SELECT seq, op, association FROM association_changes WHERE cluster_name = :c"
                      + " AND seq > :after ORDER BY seq LIMIT 1000")
              .bind("c", cluster)
              .bind("after", after)
              .map(
                  (rs, ctx) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("seq", rs.getLong("seq"));
                    m.put("op", rs.getString("op"));
                    m.put("association", parse(rs.getString("association")));
                    return m;
                  })
              .forEach(changes::add);
          long last =
              changes.isEmpty() ? latest : (Long) changes.get(changes.size() - 1).get("seq");
          return new Page(changes, changes.size() == 1000 ? last : latest, false);
        });
  }

  private static JsonNode parse(String s) {
    try {
      return Json.MAPPER.readTree(s);
    } catch (IOException e) {
      throw new IllegalStateException("corrupt change record", e);
    }
  }
}
