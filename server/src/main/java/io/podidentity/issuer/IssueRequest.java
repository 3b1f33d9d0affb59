package io.podidentity.issuer;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What EKS Auth asks an issuer for, after the token was verified and the association found.
 *
 * @param clusterName the cluster's name
 * @param clusterArn the cluster's ARN (the trust policy sees it as aws:SourceArn)
 * @param clusterAccount the cluster's account (aws:SourceAccount)
 * @param region the cluster's region
 * @param roleArn the association's role, assumed by the service principal pods.eks.amazonaws.com
 * @param targetRoleArn when set, assumed next with the first session's credentials
 * @param externalId the ExternalId for the target role (region/account/cluster/namespace/sa)
 * @param sessionName eks-CLUSTER-POD-UUID cut to 64 characters
 * @param sessionTags the six transitive session tags; empty when disableSessionTags
 * @param sessionPolicy the association's policy, applied as a session policy
 * @param duration the lifetime asked for (6 h; at most 1 h for the chained target session)
 */
public record IssueRequest(
    String clusterName,
    String clusterArn,
    String clusterAccount,
    String region,
    String roleArn,
    Optional<String> targetRoleArn,
    Optional<String> externalId,
    String sessionName,
    Map<String, String> sessionTags,
    Optional<String> sessionPolicy,
    Duration duration) {
  /** The service principal EKS Pod Identity assumes roles as. */
  public static final String SERVICE_PRINCIPAL = "pods.eks.amazonaws.com";

  public IssueRequest {
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(clusterArn, "clusterArn");
    Objects.requireNonNull(clusterAccount, "clusterAccount");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(roleArn, "roleArn");
    Objects.requireNonNull(targetRoleArn, "targetRoleArn");
    Objects.requireNonNull(externalId, "externalId");
    if (sessionName == null || sessionName.isEmpty() || sessionName.length() > 64) {
      throw new IllegalArgumentException("sessionName must be 1-64 characters");
    }
    sessionTags = Map.copyOf(sessionTags);
    Objects.requireNonNull(sessionPolicy, "sessionPolicy");
    Objects.requireNonNull(duration, "duration");
  }
}
