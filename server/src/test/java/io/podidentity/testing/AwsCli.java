package io.podidentity.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.podidentity.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real AWS CLI against a test server with a profile of its data dir ({@code credentials}
 * and {@code config}, which names the region and the endpoint), as a user would after {@code
 * podidentity up}. Each run is bounded by a timeout and makes a single attempt.
 */
public final class AwsCli {
  private static final long TIMEOUT_SECONDS = 60;
  private final Path dataDir;
  private final String profile;

  /** What one run of {@code aws} did. */
  public record Result(int exitCode, String stdout, String stderr) {
    /** The JSON the command printed. */
    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(stdout);
      } catch (IOException e) {
        throw new AssertionError("aws printed no JSON: " + stdout + "\nstderr: " + stderr, e);
      }
    }
  }

  /** The CLI with the administrator's profile {@code podidentity}. */
  public AwsCli(Path dataDir) {
    this(dataDir, "podidentity");
  }

  /** The CLI with another profile of the data dir, e.g. the agent's {@code podidentity-agent}. */
  public AwsCli(Path dataDir, String profile) {
    this.dataDir = dataDir;
    this.profile = profile;
  }

  /**
   * The exit code of a command the service answered with an error: 254 in AWS CLI v2, 255 in v1 (v1
   * uses 255 for every failure; v2 set 254 apart for service errors).
   */
  public static int serviceErrorExitCode() {
    return version().startsWith("aws-cli/1.") ? 255 : 254;
  }

  /**
   * The CLI's version line ({@code aws-cli/1.45.11 Python/…}); fails loudly, naming what is
   * missing, when there is no {@code aws} on the PATH.
   */
  public static String version() {
    try {
      Process p = new ProcessBuilder("aws", "--version").redirectErrorStream(true).start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new AssertionError("'aws --version' failed; these tests need the AWS CLI");
      }
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new AssertionError(
          "the AWS CLI ('aws') is not on the PATH; these tests need it (pip install awscli)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Runs {@code aws ARGS --output json}. */
  public Result run(String... args) {
    List<String> cmd = new ArrayList<>(List.of("aws"));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--output", "json"));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("AWS_"));
    env.put("AWS_SHARED_CREDENTIALS_FILE", dataDir.resolve("credentials").toString());
    env.put("AWS_CONFIG_FILE", dataDir.resolve("config").toString());
    env.put("AWS_PROFILE", profile);
    env.put("AWS_PAGER", "");
    // One attempt: an error answer is what the tests look at, not something to retry.
    env.put("AWS_MAX_ATTEMPTS", "1");
    try {
      Path out = Files.createTempFile("aws-out", ".txt");
      Path err = Files.createTempFile("aws-err", ".txt");
      try {
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError("aws did not finish within " + TIMEOUT_SECONDS + " s: " + cmd);
        }
        return new Result(
            p.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
