package io.podidentity.agent;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the agent finds its own credentials, the ones it signs EKS Auth calls with (SigV4, service
 * {@code eks-auth}). Never the pods' credentials.
 */
public sealed interface AgentCredentials {

  /**
   * An AWS shared-credentials file and a profile in it ({@code aws_access_key_id}, {@code
   * aws_secret_access_key}, optional {@code aws_session_token}). The file is re-read when it
   * changes, so it can be rotated in place (as EKS hybrid nodes' {@code nodeadm} does).
   */
  record SharedFile(Path file, String profile) implements AgentCredentials {
    public SharedFile {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(profile, "profile");
      if (profile.isBlank()) {
        throw new IllegalArgumentException("profile is blank");
      }
    }
  }

  /**
   * {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and optional {@code AWS_SESSION_TOKEN}
   * from the process environment, read when the agent starts.
   */
  record Environment() implements AgentCredentials {}

  /** Fixed credentials, e.g. handed over in-process by {@code podidentity up}. */
  record Static(String accessKeyId, String secretAccessKey, Optional<String> sessionToken)
      implements AgentCredentials {
    public Static {
      Objects.requireNonNull(accessKeyId, "accessKeyId");
      Objects.requireNonNull(secretAccessKey, "secretAccessKey");
      Objects.requireNonNull(sessionToken, "sessionToken");
      if (accessKeyId.isBlank() || secretAccessKey.isBlank()) {
        throw new IllegalArgumentException("access key id and secret must not be blank");
      }
    }

    @Override
    public String toString() {
      return "Static[" + accessKeyId + ", secret=***]";
    }
  }
}
