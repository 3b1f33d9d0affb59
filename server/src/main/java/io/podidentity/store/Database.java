package io.podidentity.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The durable store: a JDBI handle over SQLite (embedded default) with the schema migrated by
 * Flyway on open. Writes go through {@link #write}, one transaction each; SQLite allows a single
 * writer, so writers are serialised here instead of failing with SQLITE_BUSY, while reads run
 * concurrently on WAL snapshots.
 */
public final class Database implements AutoCloseable {
  private final Jdbi jdbi;

  /** The most writes committed together. */
  private static final int MAX_BATCH = 256;

  private final ReentrantLock writeLock = new ReentrantLock();
  private final ConcurrentLinkedQueue<Pending<?>> queue = new ConcurrentLinkedQueue<>();
  private final Runnable closer;

  private Database(Jdbi jdbi, Runnable closer) {
    this.jdbi = jdbi;
    this.closer = closer;
  }

  /** Opens (creating if needed) the SQLite database file and migrates it to the latest schema. */
  public static Database openSqlite(Path file) {
    Objects.requireNonNull(file, "file");
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
    cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    cfg.setBusyTimeout(10_000);
    cfg.enforceForeignKeys(true);
    SQLiteDataSource sqlite = new SQLiteDataSource(cfg);
    sqlite.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
    migrate(sqlite);
    // Opening a SQLite connection costs ~0.4 ms (file open, PRAGMAs); on the assume-role path
    // that was most of a request, so connections are pooled. WAL lets the pooled readers run
    // concurrently with the one writer.
    HikariConfig hc = new HikariConfig();
    hc.setDataSource(sqlite);
    hc.setPoolName("podidentity-sqlite");
    hc.setMaximumPoolSize(8);
    hc.setMinimumIdle(2);
    hc.setConnectionTimeout(10_000);
    HikariDataSource pool = new HikariDataSource(hc);
    return new Database(Jdbi.create(pool), pool::close);
  }

  private static void migrate(DataSource ds) {
    Flyway.configure()
        .dataSource(ds)
        .locations("classpath:db/migration")
        .loggers("slf4j")
        .load()
        .migrate();
  }

  /** Runs a read on its own handle. */
  public <R, X extends Exception> R read(HandleCallback<R, X> callback) throws X {
    return jdbi.withHandle(callback);
  }

  /**
   * Runs a write atomically and durably, serialised with every other write; returns when it has
   * committed. Concurrent writes are group-committed: whoever holds the write lock runs every write
   * queued so far in one transaction, each inside its own savepoint, so a failing write rolls back
   * alone and the others commit. On the assume-role path (a session key and an audit record per
   * request) this turns many small SQLite transactions into few.
   */
  public <R, X extends Exception> R write(HandleCallback<R, X> callback) throws X {
    Pending<R> p = new Pending<>(callback);
    queue.add(p);
    writeLock.lock();
    try {
      while (!p.done) {
        runBatch();
      }
    } finally {
      writeLock.unlock();
    }
    if (p.failure != null) {
      throw Database.<RuntimeException>sneaky(p.failure);
    }
    return p.result;
  }

  /** A queued write and, once run, its outcome. */
  private static final class Pending<R> {
    final HandleCallback<R, ?> callback;
    R result;
    Throwable failure;
    volatile boolean done;

    Pending(HandleCallback<R, ?> callback) {
      this.callback = callback;
    }

    void run(Handle h) throws Exception {
      result = callback.withHandle(h);
    }
  }

  private void runBatch() {
    List<Pending<?>> batch = new ArrayList<>();
    Pending<?> next;
    while (batch.size() < MAX_BATCH && (next = queue.poll()) != null) {
      batch.add(next);
    }
    if (batch.isEmpty()) {
      return;
    }
    try {
      jdbi.useTransaction(
          h -> {
            for (Pending<?> q : batch) {
              h.savepoint("w");
              try {
                q.run(h);
                h.releaseSavepoint("w");
              } catch (Exception | Error e) {
                // JDBI forgets a savepoint once rolled back to; the commit ends it in SQLite.
                h.rollbackToSavepoint("w");
                q.failure = e;
              }
            }
          });
    } catch (RuntimeException commit) {
      for (Pending<?> q : batch) {
        if (q.failure == null) {
          q.failure = commit;
        }
      }
    } finally {
      for (Pending<?> q : batch) {
        q.done = true;
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T sneaky(Throwable t) throws T {
    // Rethrows the write's own exception (checked or not) on the caller's thread, unchanged.
    throw (T) t;
  }

  @Override
  public void close() {
    closer.run();
  }
}
