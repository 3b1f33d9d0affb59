package io.podidentity.issuer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code moto_server} (moto 5.x) on a free loopback port, for tests that need an STS, IAM
 * and S3 that enforce IAM policies. Started with {@code INITIAL_NO_AUTH_ACTION_COUNT=N}: moto
 * serves the first N actions unauthenticated and from then on checks every request's SigV4
 * signature against its own IAM users and sessions and evaluates their policies.
 *
 * <p>Missing moto is a test failure, never a skip: the seeds' walkthrough is only shown working
 * against an S3 that enforces policies. Set {@code MOTO_SERVER} to the executable if it is not on
 * the PATH.
 */
public final class MotoServer implements AutoCloseable {
  /** moto's default account. */
  public static final String ACCOUNT = "123456789012";

  private final Process process;
  private final int port;
  private final Path log;

  private MotoServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  public static MotoServer start(int initialNoAuthActionCount) {
    String exe = System.getenv().getOrDefault("MOTO_SERVER", "moto_server");
    int port = freePort();
    Path log;
    try {
      log = Files.createTempFile("moto-server-", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ProcessBuilder pb =
        new ProcessBuilder(exe, "-H", "127.0.0.1", "-p", Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment()
        .put("INITIAL_NO_AUTH_ACTION_COUNT", Integer.toString(initialNoAuthActionCount));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "moto_server is required by this test and could not be started as '"
              + exe
              + "': install it (pip install 'moto[server]>=5.2') or set MOTO_SERVER to its path",
          e);
    }
    MotoServer moto = new MotoServer(p, port, log);
    moto.awaitListening();
    return moto;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  private void awaitListening() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "moto_server exited with " + process.exitValue() + " before listening:\n" + logText());
      }
      // A plain TCP connect: an HTTP request to a service would count as one of the
      // unauthenticated actions.
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        sleep(100);
      }
    }
    close();
    throw new IllegalStateException("moto_server did not listen within 30 s:\n" + logText());
  }

  public String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // a temp file; the OS cleans it up
    }
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
