package io.podidentity.issuer;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** IssueRequests as EKS Auth builds them for the seeds' pod (issue 4). */
final class IssueRequests {
  static final String CLUSTER = "local";
  static final String REGION = "us-east-1";

  private IssueRequests() {}

  static String sessionName() {
    String name = "eks-" + CLUSTER + "-my-app-77f6749799-f26hf-" + UUID.randomUUID();
    return name.length() > 64 ? name.substring(0, 64) : name;
  }

  static Map<String, String> sixTags(String account) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("eks-cluster-arn", "arn:aws:eks:" + REGION + ":" + account + ":cluster/" + CLUSTER);
    tags.put("eks-cluster-name", CLUSTER);
    tags.put("kubernetes-namespace", "default");
    tags.put("kubernetes-service-account", "my-service-account");
    tags.put("kubernetes-pod-name", "my-app-77f6749799-f26hf");
    tags.put("kubernetes-pod-uid", "8768b78a-298a-4bf5-95b4-07a181ccbc2a");
    return tags;
  }

  /** The association role only, six session tags, six hours. */
  static IssueRequest forRole(String account, String roleArn) {
    return new IssueRequest(
        CLUSTER,
        "arn:aws:eks:" + REGION + ":" + account + ":cluster/" + CLUSTER,
        account,
        REGION,
        roleArn,
        Optional.empty(),
        Optional.empty(),
        sessionName(),
        sixTags(account),
        Optional.empty(),
        Duration.ofHours(6));
  }

  static IssueRequest withTarget(IssueRequest r, String targetRoleArn, String externalId) {
    return new IssueRequest(
        r.clusterName(),
        r.clusterArn(),
        r.clusterAccount(),
        r.region(),
        r.roleArn(),
        Optional.of(targetRoleArn),
        Optional.of(externalId),
        r.sessionName(),
        r.sessionTags(),
        r.sessionPolicy(),
        r.duration());
  }

  static IssueRequest withoutTags(IssueRequest r) {
    return new IssueRequest(
        r.clusterName(),
        r.clusterArn(),
        r.clusterAccount(),
        r.region(),
        r.roleArn(),
        r.targetRoleArn(),
        r.externalId(),
        r.sessionName(),
        Map.of(),
        r.sessionPolicy(),
        r.duration());
  }

  static IssueRequest withPolicy(IssueRequest r, String policy) {
    return new IssueRequest(
        r.clusterName(),
        r.clusterArn(),
        r.clusterAccount(),
        r.region(),
        r.roleArn(),
        r.targetRoleArn(),
        r.externalId(),
        r.sessionName(),
        r.sessionTags(),
        Optional.of(policy),
        r.duration());
  }

  static String externalId(String account) {
    return REGION + "/" + account + "/" + CLUSTER + "/default/my-service-account";
  }
}
