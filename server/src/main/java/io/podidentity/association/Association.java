package io.podidentity.association;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A pod identity association: pods of {@code serviceAccount} in {@code namespace} of cluster {@code
 * clusterName} get credentials for {@code roleArn} (then, when set, {@code targetRoleArn}). Values
 * are validated by {@link AssociationRules} before one is built.
 */
public record Association(
    String associationId,
    String associationArn,
    String clusterName,
    String namespace,
    String serviceAccount,
    String roleArn,
    Optional<String> targetRoleArn,
    Optional<String> externalId,
    boolean disableSessionTags,
    Optional<String> policy,
    Map<String, String> tags,
    Optional<String> ownerArn,
    Instant createdAt,
    Instant modifiedAt) {
  public Association {
    Objects.requireNonNull(associationId, "associationId");
    Objects.requireNonNull(associationArn, "associationArn");
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(serviceAccount, "serviceAccount");
    Objects.requireNonNull(roleArn, "roleArn");
    Objects.requireNonNull(targetRoleArn, "targetRoleArn");
    Objects.requireNonNull(externalId, "externalId");
    Objects.requireNonNull(policy, "policy");
    tags = Map.copyOf(tags);
    Objects.requireNonNull(ownerArn, "ownerArn");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(modifiedAt, "modifiedAt");
  }

  /** The PodIdentityAssociation shape of the EKS API (aws-wire-protocols.md §1.6). */
  public Map<String, Object> toWire() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("clusterName", clusterName);
    m.put("namespace", namespace);
    m.put("serviceAccount", serviceAccount);
    m.put("roleArn", roleArn);
    m.put("associationArn", associationArn);
    m.put("associationId", associationId);
    m.put("tags", new java.util.TreeMap<>(tags));
    m.put("createdAt", io.podidentity.http.Json.epochSeconds(createdAt));
    m.put("modifiedAt", io.podidentity.http.Json.epochSeconds(modifiedAt));
    ownerArn.ifPresent(v -> m.put("ownerArn", v));
    m.put("disableSessionTags", disableSessionTags);
    targetRoleArn.ifPresent(v -> m.put("targetRoleArn", v));
    externalId.ifPresent(v -> m.put("externalId", v));
    policy.ifPresent(v -> m.put("policy", v));
    return m;
  }

  /** The PodIdentityAssociationSummary shape of ListPodIdentityAssociations (§1.7). */
  public Map<String, Object> toSummary() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("clusterName", clusterName);
    m.put("namespace", namespace);
    m.put("serviceAccount", serviceAccount);
    m.put("associationArn", associationArn);
    m.put("associationId", associationId);
    ownerArn.ifPresent(v -> m.put("ownerArn", v));
    return m;
  }
}
