package io.podidentity.sts;

import static io.podidentity.iam.IamClients.ACCOUNT;
import static io.podidentity.iam.IamClients.POD_TRUST;
import static io.podidentity.iam.IamClients.allow;
import static io.podidentity.iam.IamClients.roleArn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podidentity.cluster.Cluster;
import io.podidentity.iam.IamClients;
import io.podidentity.testing.TestServer;
import io.podidentity.token.LocalSigningKey;
import io.podidentity.token.MintRequest;
import io.podidentity.token.TokenMinter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eksauth.EksAuthClient;
import software.amazon.awssdk.services.eksauth.model.AccessDeniedException;
import software.amazon.awssdk.services.eksauth.model.AssumeRoleForPodIdentityResponse;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * EKS Auth's AssumeRoleForPodIdentity with the builtin issuer, end to end: the agent key calls
 * EksAuthClient with a projected token, and the credentials it gets are the role's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EksAuthBuiltinTest {
  static final String ISSUER = "https://oidc.test/clusters/builtin";

  TestServer ts;
  IamClient iam;
  EksClient eks;
  EksAuthClient eksAuth;
  TokenMinter minter;
  String name;

  @BeforeAll
  void start() {
    ts = new TestServer();
    LocalSigningKey key = LocalSigningKey.generate();
    ts.server()
        .clusters()
        .ensure(
            new Cluster(
                "builtin",
                ACCOUNT,
                TestServer.REGION,
                ISSUER,
                Optional.of(key.publicJwksJson()),
                Optional.empty(),
                Instant.now()));
    minter = new TokenMinter(key, ISSUER, Clock.systemUTC());
    iam = IamClients.iam(ts);
    eks = ts.eks();
    eksAuth =
        EksAuthClient.builder()
            .endpointOverride(ts.endpoint())
            .region(Region.of(TestServer.REGION))
            .credentialsProvider(ts.agentCredentials())
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterAll
  void stop() {
    eksAuth.close();
    eks.close();
    iam.close();
    ts.close();
  }

  @BeforeEach
  void uniqueName(TestInfo info) {
    String m = info.getTestMethod().orElseThrow().getName();
    name = m.length() > 50 ? m.substring(0, 50) : m;
  }

  AssumeRoleForPodIdentityResponse call(String serviceAccount) {
    String token =
        minter.mint(MintRequest.of("default", serviceAccount).withPod("my-pod", "uid-" + name));
    return eksAuth.assumeRoleForPodIdentity(b -> b.clusterName("builtin").token(token));
  }

  void associate(String serviceAccount, String role) {
    eks.createPodIdentityAssociation(
        b ->
            b.clusterName("builtin")
                .namespace("default")
                .serviceAccount(serviceAccount)
                .roleArn(roleArn(role)));
  }

  @Test
  void theCredentialsAreTheRolesForSixHoursAndWork() {
    iam.createRole(b -> b.roleName(name).assumeRolePolicyDocument(POD_TRUST));
    associate("sa-creds", name);
    Instant before = Instant.now();
    AssumeRoleForPodIdentityResponse r = call("sa-creds");
    assertThat(r.assumedRoleUser().arn())
        .startsWith("arn:aws:sts::" + ACCOUNT + ":assumed-role/" + name + "/eks-builtin-my-pod-");
    assertThat(r.credentials().expiration())
        .isAfter(before.plus(Duration.ofHours(6)).minusSeconds(5));
    try (StsClient pod =
        IamClients.sts(
            ts,
            IamClients.session(
                r.credentials().accessKeyId(),
                r.credentials().secretAccessKey(),
                r.credentials().sessionToken()))) {
      assertThat(pod.getCallerIdentity().arn()).isEqualTo(r.assumedRoleUser().arn());
    }
  }

  @Test
  void theSessionTagsAreVisibleToThePodsPolicies() {
    iam.createRole(b -> b.roleName(name).assumeRolePolicyDocument(POD_TRUST));
    iam.createRole(b -> b.roleName("default-" + name).assumeRolePolicyDocument(POD_TRUST));
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
    associate("sa-tags", name);
    AssumeRoleForPodIdentityResponse r = call("sa-tags");
    try (IamClient pod =
        IamClients.iam(
            ts,
            IamClients.session(
                r.credentials().accessKeyId(),
                r.credentials().secretAccessKey(),
                r.credentials().sessionToken()))) {
      assertThat(pod.getRole(b -> b.roleName("default-" + name)).role().roleName())
          .isEqualTo("default-" + name);
      assertThatThrownBy(() -> pod.getRole(b -> b.roleName(name))).isInstanceOf(IamException.class);
    }
  }

  @Test
  void aTrustPolicyWithoutTagSessionIsAccessDeniedException() {
    iam.createRole(
        b ->
            b.roleName(name)
                .assumeRolePolicyDocument(POD_TRUST.replace(",\"sts:TagSession\"", "")));
    associate("sa-notag", name);
    assertThatThrownBy(() -> call("sa-notag"))
        .isInstanceOfSatisfying(
            AccessDeniedException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.awsErrorDetails().errorMessage())
                  .isEqualTo(
                      "Unauthorized Exception! EKS does not have permissions to assume the"
                          + " associated role.");
            });
  }
}
