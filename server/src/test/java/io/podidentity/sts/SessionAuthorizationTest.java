package io.podidentity.sts;

import static io.podidentity.iam.IamClients.ACCOUNT;
import static io.podidentity.iam.IamClients.ACCOUNT_TRUST;
import static io.podidentity.iam.IamClients.allow;
import static io.podidentity.iam.IamClients.roleArn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podidentity.iam.IamClients;
import io.podidentity.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.EksException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.StsException;
import software.amazon.awssdk.services.sts.model.Tag;

/** What role-session credentials may do, decided by their role's policies on every API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionAuthorizationTest {
  TestServer ts;
  IamClient iam;
  StsClient sts;
  String name;

  @BeforeAll
  void start() {
    ts = new TestServer();
    iam = IamClients.iam(ts);
    sts = IamClients.sts(ts);
  }

  @AfterAll
  void stop() {
    iam.close();
    sts.close();
    ts.close();
  }

  @BeforeEach
  void role(TestInfo info) {
    String m = info.getTestMethod().orElseThrow().getName();
    name = m.length() > 50 ? m.substring(0, 50) : m;
    iam.createRole(b -> b.roleName(name).assumeRolePolicyDocument(ACCOUNT_TRUST));
  }

  AssumeRoleResponse assume() {
    return sts.assumeRole(b -> b.roleArn(roleArn(name)).roleSessionName("session"));
  }

  EksClient eks(AssumeRoleResponse r) {
    return EksClient.builder()
        .endpointOverride(ts.endpoint())
        .region(Region.of(TestServer.REGION))
        .credentialsProvider(IamClients.session(r.credentials()))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  @Test
  void aSessionWithoutPoliciesMayNotCallTheEksApi() {
    try (EksClient eks = eks(assume())) {
      assertThatThrownBy(() -> eks.listPodIdentityAssociations(b -> b.clusterName("local")))
          .isInstanceOfSatisfying(
              EksException.class,
              e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                assertThat(e.awsErrorDetails().errorMessage())
                    .contains("assumed-role/" + name + "/session")
                    .contains("eks:ListPodIdentityAssociations");
              });
    }
  }

  @Test
  void aSessionWhosePolicyAllowsItMayCallTheEksApi() {
    iam.putRolePolicy(
        b ->
            b.roleName(name)
                .policyName("eks")
                .policyDocument(
                    allow(
                        "arn:aws:eks:us-east-1:" + ACCOUNT + ":cluster/local",
                        "eks:ListPodIdentityAssociations")));
    try (EksClient eks = eks(assume())) {
      assertThat(eks.listPodIdentityAssociations(b -> b.clusterName("local")).associations())
          .isEmpty();
    }
  }

  @Test
  void aPolicyChangeAppliesToSessionsAlreadyIssued() {
    AssumeRoleResponse r = assume();
    try (IamClient session = IamClients.iam(ts, IamClients.session(r.credentials()))) {
      assertThatThrownBy(() -> session.getRole(b -> b.roleName(name)))
          .isInstanceOf(IamException.class);
      iam.putRolePolicy(
          b -> b.roleName(name).policyName("p").policyDocument(allow("*", "iam:GetRole")));
      assertThat(session.getRole(b -> b.roleName(name)).role().roleName()).isEqualTo(name);
      iam.deleteRolePolicy(b -> b.roleName(name).policyName("p"));
      assertThatThrownBy(() -> session.getRole(b -> b.roleName(name)))
          .isInstanceOf(IamException.class);
    }
  }

  @Test
  void anExplicitDenyWinsOverAnAllow() {
    iam.putRolePolicy(b -> b.roleName(name).policyName("all").policyDocument(allow("*", "iam:*")));
    iam.putRolePolicy(
        b ->
            b.roleName(name)
                .policyName("no-delete")
                .policyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":"
                        + "\"iam:DeleteRole*\",\"Resource\":\"*\"}]}"));
    try (IamClient session = IamClients.iam(ts, IamClients.session(assume().credentials()))) {
      assertThat(session.listRoles().roles()).isNotEmpty();
      assertThatThrownBy(
              () -> session.deleteRolePolicy(b -> b.roleName(name).policyName("no-delete")))
          .isInstanceOfSatisfying(
              IamException.class,
              e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                assertThat(e.awsErrorDetails().errorMessage())
                    .isEqualTo(
                        "User: arn:aws:sts::"
                            + ACCOUNT
                            + ":assumed-role/"
                            + name
                            + "/session is not authorized to perform: iam:DeleteRolePolicy on"
                            + " resource: role "
                            + name
                            + " because no identity-based policy allows the iam:DeleteRolePolicy"
                            + " action");
              });
    }
  }

  @Test
  void theRolesTagsArePrincipalTagsOfItsSessionsAndSessionTagsOverrideThem() {
    iam.tagRole(
        b ->
            b.roleName(name)
                .tags(
                    software.amazon.awssdk.services.iam.model.Tag.builder()
                        .key("team")
                        .value("blue")
                        .build()));
    iam.createRole(b -> b.roleName("blue-" + name).assumeRolePolicyDocument(ACCOUNT_TRUST));
    iam.createRole(b -> b.roleName("red-" + name).assumeRolePolicyDocument(ACCOUNT_TRUST));
    iam.putRolePolicy(
        b ->
            b.roleName(name)
                .policyName("p")
                .policyDocument(
                    allow(
                        "arn:aws:iam::" + ACCOUNT + ":role/${aws:PrincipalTag/team}-*",
                        "iam:GetRole")));
    try (IamClient session = IamClients.iam(ts, IamClients.session(assume().credentials()))) {
      assertThat(session.getRole(b -> b.roleName("blue-" + name)).role()).isNotNull();
    }
    AssumeRoleResponse red =
        sts.assumeRole(
            b ->
                b.roleArn(roleArn(name))
                    .roleSessionName("red")
                    .tags(Tag.builder().key("team").value("red").build()));
    try (IamClient session = IamClients.iam(ts, IamClients.session(red.credentials()))) {
      assertThat(session.getRole(b -> b.roleName("red-" + name)).role()).isNotNull();
      assertThatThrownBy(() -> session.getRole(b -> b.roleName("blue-" + name)))
          .isInstanceOf(IamException.class);
    }
  }

  @Test
  void aTargetTrustPolicyCanRequireTheCallersPrincipalTag() {
    iam.putRolePolicy(
        b -> b.roleName(name).policyName("p").policyDocument(allow("*", "sts:AssumeRole")));
    String trust =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
            + roleArn(name)
            + "\"},\"Action\":\"sts:AssumeRole\",\"Condition\":{\"StringEquals\":"
            + "{\"aws:PrincipalTag/team\":\"blue\"}}}]}";
    iam.createRole(b -> b.roleName(name + "-t").assumeRolePolicyDocument(trust));
    AssumeRoleResponse untagged = assume();
    try (StsClient s = IamClients.sts(ts, IamClients.session(untagged.credentials()))) {
      assertThatThrownBy(
              () -> s.assumeRole(b -> b.roleArn(roleArn(name + "-t")).roleSessionName("x1")))
          .isInstanceOfSatisfying(
              StsException.class,
              e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
    }
    AssumeRoleResponse blue =
        sts.assumeRole(
            b ->
                b.roleArn(roleArn(name))
                    .roleSessionName("blue")
                    .tags(Tag.builder().key("team").value("blue").build()));
    try (StsClient s = IamClients.sts(ts, IamClients.session(blue.credentials()))) {
      assertThat(
              s.assumeRole(b -> b.roleArn(roleArn(name + "-t")).roleSessionName("x2"))
                  .credentials())
          .isNotNull();
    }
  }

  @Test
  void aSourceIdentityNeedsSetSourceIdentityAndCarriesOver() {
    String trust =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
            + "\"arn:aws:iam::"
            + ACCOUNT
            + ":root\"},\"Action\":[\"sts:AssumeRole\",\"sts:SetSourceIdentity\"]}]}";
    iam.updateAssumeRolePolicy(b -> b.roleName(name).policyDocument(trust));
    iam.putRolePolicy(
        b ->
            b.roleName(name)
                .policyName("p")
                .policyDocument(allow("*", "sts:AssumeRole", "sts:SetSourceIdentity")));
    AssumeRoleResponse r =
        sts.assumeRole(b -> b.roleArn(roleArn(name)).roleSessionName("si").sourceIdentity("alice"));
    assertThat(r.sourceIdentity()).isEqualTo("alice");
    try (StsClient s = IamClients.sts(ts, IamClients.session(r.credentials()))) {
      AssumeRoleResponse chained =
          s.assumeRole(b -> b.roleArn(roleArn(name)).roleSessionName("si2"));
      assertThat(chained.sourceIdentity()).isEqualTo("alice");
      assertThatThrownBy(
              () ->
                  s.assumeRole(
                      b -> b.roleArn(roleArn(name)).roleSessionName("si3").sourceIdentity("bob")))
          .isInstanceOf(StsException.class);
    }
    iam.updateAssumeRolePolicy(b -> b.roleName(name).policyDocument(ACCOUNT_TRUST));
    assertThatThrownBy(
            () ->
                sts.assumeRole(
                    b -> b.roleArn(roleArn(name)).roleSessionName("si4").sourceIdentity("carol")))
        .isInstanceOfSatisfying(
            StsException.class,
            e -> assertThat(e.awsErrorDetails().errorMessage()).contains("sts:SetSourceIdentity"));
  }

  @Test
  void theAgentKeyGetsItsOwnIdentity() {
    try (StsClient agent = IamClients.sts(ts, ts.agentCredentials())) {
      assertThat(agent.getCallerIdentity().arn())
          .isEqualTo("arn:aws:iam::" + ACCOUNT + ":user/podidentity-agent");
    }
  }
}
