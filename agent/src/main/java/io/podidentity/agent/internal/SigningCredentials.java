package io.podidentity.agent.internal;

import io.podidentity.agent.AgentCredentials;
import io.podidentity.sigv4.SigV4Signer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Supplies the agent's own SigV4 credentials. A shared-credentials file is re-read when its
 * modification time or size changes, so rotating it in place needs no restart.
 */
public final class SigningCredentials implements Supplier<SigV4Signer.Credentials> {
  private final AgentCredentials source;
  private final Map<String, String> env;
  private volatile Loaded loaded;

  private record Loaded(FileTime mtime, long size, SigV4Signer.Credentials creds) {}

  public SigningCredentials(AgentCredentials source, Map<String, String> env) {
    this.source = source;
    this.env = Map.copyOf(env);
  }

  /**
   * Loads once, so that a missing file or profile is an error at start-up.
   *
   * @throws IllegalArgumentException naming the file, profile or variable that is missing
   */
  public SigningCredentials validate() {
    get();
    return this;
  }

  @Override
  public SigV4Signer.Credentials get() {
    return switch (source) {
      case AgentCredentials.Static s ->
          new SigV4Signer.Credentials(s.accessKeyId(), s.secretAccessKey(), s.sessionToken());
      case AgentCredentials.Environment e -> fromEnv();
      case AgentCredentials.SharedFile f -> fromFile(f.file(), f.profile());
    };
  }

  private SigV4Signer.Credentials fromEnv() {
    String ak = env.get("AWS_ACCESS_KEY_ID");
    String sk = env.get("AWS_SECRET_ACCESS_KEY");
    if (ak == null || ak.isBlank() || sk == null || sk.isBlank()) {
      throw new IllegalArgumentException(
          "credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must both be set in the"
              + " environment");
    }
    String token = env.get("AWS_SESSION_TOKEN");
    return new SigV4Signer.Credentials(
        ak.strip(), sk.strip(), Optional.ofNullable(token).filter(t -> !t.isBlank()));
  }

  private SigV4Signer.Credentials fromFile(Path file, String profile) {
    FileTime mtime;
    long size;
    try {
      mtime = Files.getLastModifiedTime(file);
      size = Files.size(file);
    } catch (IOException e) {
      Loaded l = loaded;
      if (l != null) {
        return l.creds(); // keep the last good credentials while the file is being replaced
      }
      throw new IllegalArgumentException(
          "credentials: cannot read the shared credentials file '" + file + "' (" + e + ")");
    }
    Loaded l = loaded;
    if (l != null && l.mtime().equals(mtime) && l.size() == size) {
      return l.creds();
    }
    SigV4Signer.Credentials creds = parse(file, profile);
    loaded = new Loaded(mtime, size, creds);
    return creds;
  }

  static SigV4Signer.Credentials parse(Path file, String profile) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "credentials: cannot read the shared credentials file '" + file + "' (" + e + ")");
    }
    Map<String, String> values = null;
    String current = null;
    Map<String, Map<String, String>> sections = new HashMap<>();
    for (String raw : text.split("\\R")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        current = line.substring(1, line.length() - 1).strip();
        if (current.startsWith("profile ")) {
          current = current.substring("profile ".length()).strip();
        }
        values = sections.computeIfAbsent(current, k -> new HashMap<>());
        continue;
      }
      int eq = line.indexOf('=');
      if (values != null && eq > 0) {
        values.put(
            line.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT),
            line.substring(eq + 1).strip());
      }
    }
    Map<String, String> p = sections.get(profile);
    if (p == null) {
      throw new IllegalArgumentException(
          "credentials: profile '" + profile + "' is not in '" + file + "'");
    }
    String ak = p.get("aws_access_key_id");
    String sk = p.get("aws_secret_access_key");
    if (ak == null || ak.isEmpty() || sk == null || sk.isEmpty()) {
      throw new IllegalArgumentException(
          "credentials: profile '"
              + profile
              + "' in '"
              + file
              + "' needs aws_access_key_id and aws_secret_access_key");
    }
    return new SigV4Signer.Credentials(
        ak, sk, Optional.ofNullable(p.get("aws_session_token")).filter(t -> !t.isEmpty()));
  }
}
