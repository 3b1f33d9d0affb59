package io.podidentity.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One issuance or refusal of credentials: who (pod, service account, node, caller), what (role,
 * session, access key id), until when, and the outcome with its reason. Holds no secret and no
 * token by construction: there is no field that could carry one.
 */
public record AuditRecord(
    Instant at,
    String clusterName,
    Optional<String> namespace,
    Optional<String> serviceAccount,
    Optional<String> podName,
    Optional<String> podUid,
    Optional<String> nodeName,
    Optional<String> associationId,
    Optional<String> roleArn,
    Optional<String> sessionName,
    Optional<String> accessKeyId,
    Optional<Instant> expiresAt,
    Outcome outcome,
    Optional<String> reason,
    Optional<String> callerArn,
    Optional<String> upstreamRequestId) {
  /** Whether credentials were issued. */
  public enum Outcome {
    ISSUED,
    REFUSED
  }

  public AuditRecord {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(serviceAccount, "serviceAccount");
    Objects.requireNonNull(podName, "podName");
    Objects.requireNonNull(podUid, "podUid");
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(associationId, "associationId");
    Objects.requireNonNull(roleArn, "roleArn");
    Objects.requireNonNull(sessionName, "sessionName");
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(callerArn, "callerArn");
    Objects.requireNonNull(upstreamRequestId, "upstreamRequestId");
  }

  /** The JSON shape of the audit API and {@code podidentity audit --json}. */
  public Map<String, Object> toWire() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", at.toString());
    m.put("clusterName", clusterName);
    namespace.ifPresent(v -> m.put("namespace", v));
    serviceAccount.ifPresent(v -> m.put("serviceAccount", v));
    podName.ifPresent(v -> m.put("podName", v));
    podUid.ifPresent(v -> m.put("podUid", v));
    nodeName.ifPresent(v -> m.put("nodeName", v));
    associationId.ifPresent(v -> m.put("associationId", v));
    roleArn.ifPresent(v -> m.put("roleArn", v));
    sessionName.ifPresent(v -> m.put("sessionName", v));
    accessKeyId.ifPresent(v -> m.put("accessKeyId", v));
    expiresAt.ifPresent(v -> m.put("expiration", v.toString()));
    m.put("outcome", outcome.name());
    reason.ifPresent(v -> m.put("reason", v));
    callerArn.ifPresent(v -> m.put("callerArn", v));
    upstreamRequestId.ifPresent(v -> m.put("upstreamRequestId", v));
    return m;
  }
}
