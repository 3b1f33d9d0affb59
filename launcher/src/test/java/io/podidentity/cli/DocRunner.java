package io.podidentity.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the shell blocks of a Markdown document in order, in one bash session, so a tutorial cannot
 * go stale: every {@code ```sh} block is executed; an {@code ```expect} block right after it lists
 * lines that must each appear in that block's output. A {@code podidentity} command on PATH runs
 * this build's launcher in a new JVM.
 */
final class DocRunner {
  private static final Pattern FENCE = Pattern.compile("(?ms)^```(sh|expect)\\n(.*?)^```\\n");
  private static final String MARK = "@@podidentity-doc-block@@";

  /** One executable block and what its output must contain. */
  record Block(int index, String script, List<String> expected) {}

  /** A block that ran, with its output. */
  record Ran(Block block, String output) {}

  static List<Block> parse(String markdown) {
    List<Block> blocks = new ArrayList<>();
    Matcher m = FENCE.matcher(markdown);
    while (m.find()) {
      if (m.group(1).equals("sh")) {
        blocks.add(new Block(blocks.size() + 1, m.group(2), new ArrayList<>()));
      } else if (!blocks.isEmpty()) {
        for (String line : m.group(2).split("\n")) {
          if (!line.isBlank()) {
            blocks.get(blocks.size() - 1).expected().add(line.strip());
          }
        }
      }
    }
    return blocks;
  }

  /** A directory with a {@code podidentity} script that runs the launcher on this classpath. */
  static Path binDir(Path work) {
    try {
      Path bin = Files.createDirectories(work.resolve("bin"));
      Path script = bin.resolve("podidentity");
      String java = ProcessHandle.current().info().command().orElse("java");
      Files.writeString(
          script,
          "#!/usr/bin/env bash\nexec '"
              + java
              + "' -XX:TieredStopAtLevel=1 -Xshare:auto --enable-native-access=ALL-UNNAMED -cp '"
              + System.getProperty("java.class.path")
              + "' io.podidentity.cli.Main \"$@\"\n");
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
      return bin;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs every block in {@code work} with {@code env} added; returns each block's output. The
   * session stops at the first failing command ({@code set -e}) and the failure names the block.
   */
  static List<Ran> run(List<Block> blocks, Path work, Map<String, String> env, long timeoutSeconds)
      throws IOException, InterruptedException {
    StringBuilder sb = new StringBuilder("set -euo pipefail\n");
    sb.append("trap 'jobs -p | xargs -r kill 2>/dev/null; wait 2>/dev/null' EXIT\n");
    for (Block b : blocks) {
      sb.append("echo '").append(MARK).append(b.index()).append("'\n");
      sb.append(b.script()).append('\n');
    }
    Path script = work.resolve("doc.sh");
    Files.writeString(script, sb.toString());
    ProcessBuilder pb =
        new ProcessBuilder("bash", script.toString())
            .directory(work.toFile())
            .redirectErrorStream(true);
    Path bin = binDir(work);
    // The document sets what it needs; nothing from the developer's own AWS setup leaks in.
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
    pb.environment().putAll(env);
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    Path log = work.resolve("doc.log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!done) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    List<Ran> ran = new ArrayList<>();
    String[] parts = out.split(Pattern.quote(MARK));
    for (int i = 1; i < parts.length; i++) {
      String part = parts[i];
      int nl = part.indexOf('\n');
      int idx = Integer.parseInt(part.substring(0, nl < 0 ? part.length() : nl).strip());
      ran.add(new Ran(blocks.get(idx - 1), nl < 0 ? "" : part.substring(nl + 1)));
    }
    if (!done) {
      throw new AssertionError(
          "document timed out after "
              + timeoutSeconds
              + " s in block "
              + ran.size()
              + "\n"
              + tail(out));
    }
    if (p.exitValue() != 0) {
      Block failed = ran.isEmpty() ? null : ran.get(ran.size() - 1).block();
      throw new AssertionError(
          "block "
              + (failed == null ? "?" : failed.index() + ":\n" + failed.script())
              + "\nexited "
              + p.exitValue()
              + "; output:\n"
              + tail(out));
    }
    return ran;
  }

  private static String tail(String s) {
    return s.length() > 6000 ? "..." + s.substring(s.length() - 6000) : s;
  }
}
