package io.podidentity.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.podidentity.sigv4.internal.Canonical;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code podidentity audit}: who got credentials for which role, and who was refused and why. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Show the audit trail of issued and refused credentials, newest first.")
final class AuditCommand implements Callable<Integer> {
  @Mixin ClusterCommand.Target target = new ClusterCommand.Target();

  @Option(names = "--since", description = "Only records newer than this, e.g. 15m, 2h, 7d.")
  String since;

  @Option(names = "--from", description = "ISO-8601 start, e.g. 2026-11-23T10:00:00Z.")
  Instant from;

  @Option(names = "--to", description = "ISO-8601 end (exclusive).")
  Instant to;

  @Option(names = "--cluster", description = "Cluster name.")
  String cluster;

  @Option(
      names = {"-n", "--namespace"},
      description = "Namespace.")
  String namespace;

  @Option(names = "--service-account", description = "Service account.")
  String serviceAccount;

  @Option(names = "--role-arn", description = "Role ARN.")
  String roleArn;

  @Option(
      names = "--max",
      defaultValue = "100",
      description = "At most this many records (default: ${DEFAULT-VALUE}).")
  int max;

  @Option(names = "--json", description = "Print the records as JSON lines.")
  boolean json;

  @Override
  public Integer call() {
    List<String> q = new ArrayList<>();
    Instant start = from != null ? from : since != null ? Instant.now().minus(parse(since)) : null;
    add(q, "from", start == null ? null : start.toString());
    add(q, "to", to == null ? null : to.toString());
    add(q, "cluster", cluster);
    add(q, "namespace", namespace);
    add(q, "serviceAccount", serviceAccount);
    add(q, "roleArn", roleArn);
    add(q, "maxResults", Integer.toString(max));
    JsonNode records =
        target
            .client()
            .call("GET", "/podidentity/v1/audit?" + String.join("&", q), null)
            .path("records");
    for (JsonNode r : records) {
      if (json) {
        System.out.println(r.toString());
      } else {
        System.out.println(
            String.join(
                "  ",
                r.path("time").asText(),
                r.path("outcome").asText(),
                r.path("namespace").asText("-") + "/" + r.path("serviceAccount").asText("-"),
                "pod=" + r.path("podName").asText("-"),
                "role=" + r.path("roleArn").asText("-"),
                r.has("accessKeyId")
                    ? "key="
                        + r.path("accessKeyId").asText()
                        + " until "
                        + r.path("expiration").asText()
                    : "reason=" + r.path("reason").asText("-")));
      }
    }
    return 0;
  }

  private static void add(List<String> q, String k, String v) {
    if (v != null) {
      q.add(k + "=" + Canonical.encode(v));
    }
  }

  static Duration parse(String s) {
    String n = s.substring(0, s.length() - 1);
    try {
      long v = Long.parseLong(n);
      return switch (s.charAt(s.length() - 1)) {
        case 's' -> Duration.ofSeconds(v);
        case 'm' -> Duration.ofMinutes(v);
        case 'h' -> Duration.ofHours(v);
        case 'd' -> Duration.ofDays(v);
        default ->
            throw new IllegalArgumentException(
                "--since must look like 30s, 15m, 2h or 7d, was '" + s + "'");
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--since must look like 30s, 15m, 2h or 7d, was '" + s + "'");
    }
  }
}
