package io.podidentity.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podidentity.api.ApiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store's write path: group commit keeps every write atomic on its own. */
class DatabaseTest {
  Path file;
  Database db;

  @BeforeEach
  void open() throws Exception {
    file = Files.createTempDirectory("db").resolve("store.db");
    db = Database.openSqlite(file);
  }

  @AfterEach
  void close() {
    db.close();
  }

  void insertCluster(String name) {
    db.write(
        h ->
            h.createUpdate(
                    "INSERT INTO clusters(name, arn, account_id, region, issuer, jwks, created_at)"
                        + " VALUES (:n, 'arn', '111122223333', 'us-east-1', 'iss', '{}', 0)")
                .bind("n", name)
                .execute());
  }

  int clusters() {
    return db.read(h -> h.createQuery("SELECT count(*) FROM clusters").mapTo(Integer.class).one());
  }

  @Test
  void concurrentWritesAllCommit() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        int n = i;
        fs.add(pool.submit(() -> insertCluster("c" + n)));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(clusters()).isEqualTo(400);
  }

  @Test
  void aFailingWriteRollsBackAloneWhileOthersCommit() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<?>> fs = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        int n = i;
        fs.add(
            pool.submit(
                () ->
                    db.write(
                        h -> {
                          h.createUpdate(
                                  "INSERT INTO clusters(name, arn, account_id, region, issuer,"
                                      + " jwks, created_at) VALUES (:n, 'arn', '111122223333',"
                                      + " 'us-east-1', 'iss', '{}', 0)")
                              .bind("n", "c" + n)
                              .execute();
                          if (n % 2 == 1) {
                            throw ApiException.invalidParameter("odd " + n);
                          }
                          return n;
                        })));
      }
      int failed = 0;
      for (Future<?> f : fs) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(ApiException.class).hasMessageStartingWith("odd");
          failed++;
        }
      }
      assertThat(failed).isEqualTo(100);
    } finally {
      pool.shutdownNow();
    }
    assertThat(clusters()).isEqualTo(100);
    int odd =
        db.read(
            h ->
                h.createQuery("SELECT count(*) FROM clusters WHERE name IN ('c1', 'c3')")
                    .mapTo(Integer.class)
                    .one());
    assertThat(odd).isZero();
  }

  @Test
  void theWritesOwnExceptionReachesTheCaller() {
    assertThatThrownBy(
            () ->
                db.write(
                    h -> {
                      throw ApiException.inUse("taken");
                    }))
        .isInstanceOf(ApiException.class)
        .hasMessage("taken");
  }

  @Test
  void committedWritesSurviveReopening() {
    insertCluster("kept");
    db.close();
    db = Database.openSqlite(file);
    assertThat(clusters()).isEqualTo(1);
  }
}
