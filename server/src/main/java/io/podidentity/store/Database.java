package io.podidentity.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.Objects;
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
  private final ReentrantLock writeLock = new ReentrantLock(true);
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

  /** Runs a write in one transaction, serialised with every other write. */
  public <R, X extends Exception> R write(HandleCallback<R, X> callback) throws X {
    writeLock.lock();
    try {
      return jdbi.inTransaction(callback);
    } finally {
      writeLock.unlock();
    }
  }

  /** Direct access for code that manages its own transactions. */
  public Jdbi jdbi() {
    return jdbi;
  }

  /** Convenience for callers that only need a handle for a moment. */
  public Handle open() {
    return jdbi.open();
  }

  @Override
  public void close() {
    closer.run();
  }
}
