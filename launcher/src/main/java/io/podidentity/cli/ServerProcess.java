package io.podidentity.cli;

/** Process-wide settings for commands that run the server ({@code up}, {@code server}). */
final class ServerProcess {
  /** The property the JDK reads once, when the first virtual thread starts. */
  static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";

  private ServerProcess() {}

  /**
   * More carrier threads than cores for the virtual-thread scheduler, unless the user chose. The
   * SQLite driver runs in native code, which pins a request's carrier thread for the whole call;
   * with one carrier per core, a group commit in progress plus one read left every other request
   * waiting. Measured with bench/eksauth.sh (c=50, 2 cores): default 3,008–3,153 req/s with p99
   * 109–116 ms; 8 carriers 3,308–3,369 req/s with p99 47–52 ms.
   */
  static void tuneScheduler() {
    if (System.getProperty(PARALLELISM) == null) {
      System.setProperty(
          PARALLELISM,
          Integer.toString(Math.max(8, 4 * Runtime.getRuntime().availableProcessors())));
    }
  }
}
