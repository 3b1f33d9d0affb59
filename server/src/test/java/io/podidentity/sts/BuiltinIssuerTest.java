package io.podidentity.sts;

import static io.podidentity.iam.IamClients.ACCOUNT;
import static io.podidentity.iam.IamClients.POD_TRUST;
import static io.podidentity.iam.IamClients.allow;
import static io.podidentity.iam.IamClients.roleArn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podidentity.api.ApiException;
import io.podidentity.iam.IamClients;
import io.podidentity.issuer.CredentialIssuer;
import io.podidentity.issuer.IssueRequest;
import io.podidentity.issuer.IssuedCredentials;
import io.podidentity.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.sts.StsClient;

/** The builtin CredentialIssuer: EKS Pod Identity's AssumeRole as pods.eks.amazonaws.com. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BuiltinIssuerTest {
  static final String CLUSTER_ARN = "arn:aws:eks:us-east-1:" + ACCOUNT + ":cluster/local";

  TestServer ts;
  IamClient iam;
  CredentialIssuer issuer;
  String name;

  @BeforeAll
  void start() {
    ts = new TestServer();
    iam = IamClients.iam(ts);
    issuer = new BuiltinIssuer(ts.server().roleSessions());
  }

  @AfterAll
  void stop() {
    iam.close();
    ts.close();
  }

  @BeforeEach
  void uniqueName(TestInfo info) {
    String m = info.getTestMethod().orElseThrow().getName();
    name = m.length() > 50 ? m.substring(0, 50) : m;
  }

  static Map<String, String> tags(String namespace) {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("eks-cluster-arn", CLUSTER_ARN);
    t.put("eks-cluster-name", "local");
    t.put("kubernetes-namespace", namespace);
    t.put("kubernetes-service-account", "my-sa");
    t.put("kubernetes-pod-name", "my-pod");
    t.put("kubernetes-pod-uid", "0b0c4a1e-1111-2222-3333-444455556666");
    return t;
  }

  static IssueRequest request(
      String role, Optional<String> target, Map<String, String> tags, Optional<String> policy) {
    return new IssueRequest(
        "local",
        CLUSTER_ARN,
        ACCOUNT,
        "us-east-1",
        roleArn(role),
        target.map(IamClients::roleArn),
        target.map(t -> "us-east-1/" + ACCOUNT + "/local/default/my-sa"),
        "eks-local-my-pod-3f1e2d",
        tags,
        policy,
        Duration.ofHours(6));
  }

  void role(String roleName, String trust) {
    iam.createRole(b -> b.roleName(roleName).assumeRolePolicyDocument(trust));
  }

  static void assertDenied(Throwable t) {
    assertThat(t).isInstanceOf(ApiException.class);
    ApiException e = (ApiException) t;
    assertThat(e.code()).isEqualTo("AccessDeniedException");
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage())
        .startsWith(
            "Unauthorized Exception! EKS does not have permissions to assume the associated role.");
  }

  @Test
  void aTrustPolicyAllowingPodsEksGivesSixHourCredentialsThatWork() {
    role(name, POD_TRUST);
    Instant before = Instant.now();
    IssuedCredentials c =
        issuer.issue(request(name, Optional.empty(), tags("default"), Optional.empty()));
    assertThat(c.accessKeyId()).matches("ASIA[A-Z2-7]{16}");
    assertThat(c.assumedRoleArn())
        .isEqualTo(
            "arn:aws:sts::" + ACCOUNT + ":assumed-role/" + name + "/eks-local-my-pod-3f1e2d");
    assertThat(c.assumedRoleId()).matches("AROA[A-Z2-7]{17}:eks-local-my-pod-3f1e2d");
    // Six hours although the role keeps the default MaxSessionDuration of one hour.
    assertThat(c.expiration()).isAfterOrEqualTo(before.plus(Duration.ofHours(6)).minusSeconds(1));
    try (StsClient sts =
        IamClients.sts(
            ts, IamClients.session(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()))) {
      assertThat(sts.getCallerIdentity().arn()).isEqualTo(c.assumedRoleArn());
    }
  }

  @Test
  void aTrustPolicyWithoutTagSessionIsAccessDeniedWhenTagsArePassed() {
    role(
        name,
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
            + "\"pods.eks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}");
    assertThatThrownBy(
            () -> issuer.issue(request(name, Optional.empty(), tags("default"), Optional.empty())))
        .satisfies(BuiltinIssuerTest::assertDenied);
  }

  @Test
  void withoutSessionTagsAssumeRoleAloneSuffices() {
    role(
        name,
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
            + "\"pods.eks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}");
    IssuedCredentials c = issuer.issue(request(name, Optional.empty(), Map.of(), Optional.empty()));
    assertThat(c.assumedRoleArn()).contains(":assumed-role/" + name + "/");
  }

  @Test
  void aTrustPolicyForAnotherServiceIsAccessDenied() {
    role(name, POD_TRUST.replace("pods.eks.amazonaws.com", "ec2.amazonaws.com"));
    assertThatThrownBy(
            () -> issuer.issue(request(name, Optional.empty(), tags("default"), Optional.empty())))
        .satisfies(BuiltinIssuerTest::assertDenied);
  }

  @Test
  void aMissingRoleIsAccessDenied() {
    assertThatThrownBy(
            () ->
                issuer.issue(request("ghost", Optional.empty(), tags("default"), Optional.empty())))
        .satisfies(BuiltinIssuerTest::assertDenied);
  }

  @Test
  void trustConditionsSeeRequestTagsAndTheSourceCluster() {
    String trust =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
            + "\"pods.eks.amazonaws.com\"},\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"],"
            + "\"Condition\":{\"StringEquals\":{\"aws:RequestTag/kubernetes-namespace\":\"prod\","
            + "\"aws:SourceAccount\":\""
            + ACCOUNT
            + "\"},\"ArnEquals\":{\"aws:SourceArn\":\""
            + CLUSTER_ARN
            + "\"}}}]}";
    role(name, trust);
    assertThat(issuer.issue(request(name, Optional.empty(), tags("prod"), Optional.empty())))
        .isNotNull();
    assertThatThrownBy(
            () -> issuer.issue(request(name, Optional.empty(), tags("dev"), Optional.empty())))
        .satisfies(BuiltinIssuerTest::assertDenied);
  }

  @Test
  void sessionTagsAreVisibleAsPrincipalTagsInPolicies() {
    role(name, POD_TRUST);
    role("default-reports", POD_TRUST);
    role("kube-system-reports", POD_TRUST);
    iam.putRolePolicy(
        b ->
            b.roleName(name)
                .policyName("ns")
                .policyDocument(
                    allow(
                        "arn:aws:iam::"
                            + ACCOUNT
                            + ":role/${aws:PrincipalTag/kubernetes-namespace}-*",
                        "iam:GetRole")));
    IssuedCredentials c =
        issuer.issue(request(name, Optional.empty(), tags("default"), Optional.empty()));
    try (IamClient pod =
        IamClients.iam(
            ts, IamClients.session(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()))) {
      assertThat(pod.getRole(b -> b.roleName("default-reports")).role().roleName())
          .isEqualTo("default-reports");
      assertThatThrownBy(() -> pod.getRole(b -> b.roleName("kube-system-reports")))
          .isInstanceOfSatisfying(
              IamException.class,
              e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
    }
  }

  @Test
  void theAssociationPolicyIsTheSessionPolicy() {
    role(name, POD_TRUST);
    iam.putRolePolicy(
        b ->
            b.roleName(name)
                .policyName("p")
                .policyDocument(allow("*", "iam:GetRole", "iam:ListRoleTags")));
    IssuedCredentials c =
        issuer.issue(
            request(name, Optional.empty(), Map.of(), Optional.of(allow("*", "iam:ListRoleTags"))));
    try (IamClient pod =
        IamClients.iam(
            ts, IamClients.session(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()))) {
      assertThat(pod.listRoleTags(b -> b.roleName(name)).tags()).isEmpty();
      assertThatThrownBy(() -> pod.getRole(b -> b.roleName(name))).isInstanceOf(IamException.class);
    }
  }

  String targetTrust(String first) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
        + roleArn(first)
        + "\"},\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"],\"Condition\":{\"StringEquals\":"
        + "{\"sts:ExternalId\":\"us-east-1/"
        + ACCOUNT
        + "/local/default/my-sa\"}}}]}";
  }

  @Test
  void aTargetRoleIsAssumedFromTheFirstSessionWithTheExternalIdForAtMostAnHour() {
    role(name, POD_TRUST);
    iam.putRolePolicy(
        b ->
            b.roleName(name)
                .policyName("chain")
                .policyDocument(allow(roleArn(name + "-t"), "sts:AssumeRole", "sts:TagSession")));
    role(name + "-t", targetTrust(name));
    Instant before = Instant.now();
    IssuedCredentials c =
        issuer.issue(request(name, Optional.of(name + "-t"), tags("default"), Optional.empty()));
    assertThat(c.assumedRoleArn())
        .isEqualTo(
            "arn:aws:sts::" + ACCOUNT + ":assumed-role/" + name + "-t/eks-local-my-pod-3f1e2d");
    assertThat(c.expiration()).isBefore(before.plus(Duration.ofHours(1)).plusSeconds(5));
    try (StsClient sts =
        IamClients.sts(
            ts, IamClients.session(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()))) {
      assertThat(sts.getCallerIdentity().arn()).isEqualTo(c.assumedRoleArn());
    }
  }

  @Test
  void aTargetRoleNeedsTheFirstRolesPermission() {
    role(name, POD_TRUST);
    role(name + "-t", targetTrust(name));
    assertThatThrownBy(
            () ->
                issuer.issue(
                    request(name, Optional.of(name + "-t"), tags("default"), Optional.empty())))
        .satisfies(BuiltinIssuerTest::assertDenied);
  }

  @Test
  void aTargetRoleWhoseTrustWantsAnotherExternalIdIsAccessDenied() {
    role(name, POD_TRUST);
    iam.putRolePolicy(
        b ->
            b.roleName(name)
                .policyName("chain")
                .policyDocument(allow("*", "sts:AssumeRole", "sts:TagSession")));
    role(name + "-t", targetTrust(name).replace("/local/default/my-sa", "/local/other/sa"));
    assertThatThrownBy(
            () ->
                issuer.issue(
                    request(name, Optional.of(name + "-t"), tags("default"), Optional.empty())))
        .satisfies(BuiltinIssuerTest::assertDenied);
  }

  @Test
  void theSixTagsCarryOverToTheTargetSession() {
    role(name, POD_TRUST);
    iam.putRolePolicy(
        b ->
            b.roleName(name)
                .policyName("chain")
                .policyDocument(allow("*", "sts:AssumeRole", "sts:TagSession")));
    role(name + "-t", targetTrust(name));
    iam.putRolePolicy(
        b ->
            b.roleName(name + "-t")
                .policyName("ns")
                .policyDocument(
                    allow(
                        "arn:aws:iam::"
                            + ACCOUNT
                            + ":role/${aws:PrincipalTag/kubernetes-namespace}-*",
                        "iam:GetRole")));
    role("default-target-data", POD_TRUST);
    IssuedCredentials c =
        issuer.issue(request(name, Optional.of(name + "-t"), tags("default"), Optional.empty()));
    try (IamClient pod =
        IamClients.iam(
            ts, IamClients.session(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()))) {
      assertThat(pod.getRole(b -> b.roleName("default-target-data")).role().roleName())
          .isEqualTo("default-target-data");
    }
  }
}
