package io.podidentity.webhook.internal;

import io.podidentity.sigv4.SigV4Signer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Reads one profile of an AWS shared-credentials file (the server writes profile podidentity). */
public final class SharedCredentials {
  private SharedCredentials() {}

  public static SigV4Signer.Credentials read(Path file, String profile) throws IOException {
    Map<String, String> values = new HashMap<>();
    String section = null;
    for (String raw : Files.readAllLines(file)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        section = line.substring(1, line.length() - 1).strip();
        continue;
      }
      int eq = line.indexOf('=');
      if (eq > 0 && profile.equals(section)) {
        values.put(
            line.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT),
            line.substring(eq + 1).strip());
      }
    }
    String id = values.get("aws_access_key_id");
    String secret = values.get("aws_secret_access_key");
    if (id == null || secret == null) {
      throw new IOException(
          file + ": profile [" + profile + "] has no aws_access_key_id and aws_secret_access_key");
    }
    return new SigV4Signer.Credentials(
        id, secret, Optional.ofNullable(values.get("aws_session_token")));
  }
}
