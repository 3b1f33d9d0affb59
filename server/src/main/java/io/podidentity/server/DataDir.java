package io.podidentity.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The data directory of one podidentity instance, held under an exclusive lock for as long as the
 * instance runs, so a second instance on the same directory fails with a clear message instead of
 * corrupting the store.
 */
public final class DataDir implements AutoCloseable {
  private final Path root;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private DataDir(Path root, FileChannel ch, FileLock lock) {
    this.root = root;
    this.lockChannel = ch;
    this.lock = lock;
  }

  /** Creates (mode 0700) and locks the directory; fails if another process holds it. */
  public static DataDir open(Path dir) {
    try {
      Path root = dir.toAbsolutePath().normalize();
      if (!Files.isDirectory(root)) {
        Files.createDirectories(root);
        try {
          Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
          // Not a POSIX file system; the directory is still usable.
        }
      }
      Path lockFile = root.resolve("lock");
      FileChannel ch =
          FileChannel.open(
              lockFile,
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException sameProcess) {
        l = null; // held by this very process (e.g. two instances started in one JVM)
      }
      if (l == null) {
        String holder = new String(Files.readAllBytes(lockFile), StandardCharsets.UTF_8).strip();
        ch.close();
        throw new IllegalStateException(
            "data dir "
                + root
                + " is in use by another podidentity"
                + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                + "; stop it, or give this one its own --data-dir");
      }
      ch.truncate(0);
      ch.write(
          ByteBuffer.wrap(
              Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)),
          0);
      return new DataDir(root, ch, l);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open data dir " + dir + ": " + e.getMessage(), e);
    }
  }

  public Path root() {
    return root;
  }

  public Path resolve(String name) {
    return root.resolve(name);
  }

  /** Writes a file atomically with mode 0600 (credentials, keys). */
  public void writePrivate(String name, String content) {
    try {
      Path tmp = Files.createTempFile(root, "." + name, ".tmp");
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      Files.writeString(tmp, content);
      Files.move(
          tmp,
          root.resolve(name),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + root.resolve(name), e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      // The process is going away; the OS drops the lock anyway.
    }
  }
}
