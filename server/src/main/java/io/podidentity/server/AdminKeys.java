package io.podidentity.server;

import io.podidentity.auth.AccessKeys;
import io.podidentity.auth.Caller;
import io.podidentity.sigv4.SigningSecret;
import java.util.Map;
import java.util.Optional;

/**
 * The two long-term keys every instance has — the administrator and the node agent — created on
 * first start and written to {@code <data-dir>/credentials} as the profiles {@code podidentity} and
 * {@code podidentity-agent} (an AWS shared-credentials file, DESIGN.md).
 */
final class AdminKeys {
  static final String ADMIN_PROFILE = "podidentity";
  static final String AGENT_PROFILE = "podidentity-agent";

  private AdminKeys() {}

  static SigningSecret<Caller> ensure(AccessKeys keys, Caller.Kind kind, String account) {
    Optional<SigningSecret<Caller>> have = keys.firstOfKind(kind);
    if (have.isPresent()) {
      return have.get();
    }
    String user = kind == Caller.Kind.ADMIN ? "podidentity-admin" : "podidentity-agent";
    Caller c =
        new Caller(
            AccessKeys.newLongTermKeyId(),
            "arn:aws:iam::" + account + ":user/" + user,
            account,
            "AIDA" + AccessKeys.newLongTermKeyId().substring(4) + "X",
            kind,
            Optional.empty(),
            Map.of(),
            Optional.empty());
    String secret = AccessKeys.newSecret();
    keys.put(c, secret, Optional.empty(), Optional.empty());
    return keys.find(c.accessKeyId()).orElseThrow();
  }

  static String credentialsFile(SigningSecret<Caller> admin, SigningSecret<Caller> agent) {
    return "# Written by podidentity. Profile "
        + ADMIN_PROFILE
        + " may do everything; "
        + AGENT_PROFILE
        + " may only call eks-auth:AssumeRoleForPodIdentity.\n"
        + "["
        + ADMIN_PROFILE
        + "]\naws_access_key_id = "
        + admin.accessKeyId()
        + "\naws_secret_access_key = "
        + admin.secretAccessKey()
        + "\n\n["
        + AGENT_PROFILE
        + "]\naws_access_key_id = "
        + agent.accessKeyId()
        + "\naws_secret_access_key = "
        + agent.secretAccessKey()
        + "\n";
  }

  /** An AWS config file whose profiles point the CLI and SDKs at this server. */
  static String configFile(String region, String endpoint) {
    StringBuilder sb = new StringBuilder();
    for (String p : new String[] {ADMIN_PROFILE, AGENT_PROFILE}) {
      sb.append("[profile ").append(p).append("]\nregion = ").append(region).append('\n');
      sb.append("endpoint_url = ").append(endpoint).append("\n\n");
    }
    return sb.toString();
  }
}
