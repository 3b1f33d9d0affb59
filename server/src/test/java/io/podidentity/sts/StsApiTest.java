package io.podidentity.sts;

import static io.podidentity.iam.IamClients.ACCOUNT;
import static io.podidentity.iam.IamClients.ACCOUNT_TRUST;
import static io.podidentity.iam.IamClients.allow;
import static io.podidentity.iam.IamClients.roleArn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podidentity.auth.AccessKeys;
import io.podidentity.auth.Caller;
import io.podidentity.iam.IamClients;
import io.podidentity.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.sts.model.PackedPolicyTooLargeException;
import software.amazon.awssdk.services.sts.model.StsException;
import software.amazon.awssdk.services.sts.model.Tag;

/** STS GetCallerIdentity and AssumeRole through the AWS SDK for Java v2's StsClient. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StsApiTest {
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
  void uniqueName(TestInfo info) {
    String m = info.getTestMethod().orElseThrow().getName();
    name = m.length() > 60 ? m.substring(0, 60) : m;
  }

  void role(String roleName, String trust) {
    iam.createRole(b -> b.roleName(roleName).assumeRolePolicyDocument(trust));
  }

  AssumeRoleResponse assume(
      String roleName, java.util.function.Consumer<AssumeRoleRequest.Builder> more) {
    return sts.assumeRole(
        b -> {
          b.roleArn(roleArn(roleName)).roleSessionName("s1");
          more.accept(b);
        });
  }

  static void assertStsError(Throwable t, String code, int status) {
    assertThat(t).isInstanceOf(StsException.class);
    StsException e = (StsException) t;
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
    assertThat(e.statusCode()).isEqualTo(status);
  }

  @Test
  void getCallerIdentityOfTheAdminKeyIsTheAdminUser() {
    GetCallerIdentityResponse me = sts.getCallerIdentity();
    assertThat(me.arn()).isEqualTo("arn:aws:iam::" + ACCOUNT + ":user/podidentity-admin");
    assertThat(me.account()).isEqualTo(ACCOUNT);
    assertThat(me.userId()).startsWith("AIDA");
  }

  @Test
  void assumeRoleReturnsTemporaryCredentialsOfTheDocumentedForm() {
    role(name, ACCOUNT_TRUST);
    Instant before = Instant.now();
    AssumeRoleResponse r = assume(name, b -> {});
    assertThat(r.credentials().accessKeyId()).matches("ASIA[A-Z2-7]{16}");
    assertThat(r.credentials().secretAccessKey()).hasSize(40);
    assertThat(r.credentials().sessionToken()).hasSizeGreaterThan(64);
    assertThat(r.credentials().expiration())
        .isBetween(before.plusSeconds(3590), Instant.now().plusSeconds(3601));
    assertThat(r.assumedRoleUser().arn())
        .isEqualTo("arn:aws:sts::" + ACCOUNT + ":assumed-role/" + name + "/s1");
    String roleId = iam.getRole(b -> b.roleName(name)).role().roleId();
    assertThat(r.assumedRoleUser().assumedRoleId()).isEqualTo(roleId + ":s1");
    assertThat(r.packedPolicySize()).isNull();
  }

  @Test
  void assumedRoleCredentialsWorkForGetCallerIdentity() {
    role(name, ACCOUNT_TRUST);
    AssumeRoleResponse r = assume(name, b -> {});
    try (StsClient session = IamClients.sts(ts, IamClients.session(r.credentials()))) {
      GetCallerIdentityResponse me = session.getCallerIdentity();
      assertThat(me.arn()).isEqualTo(r.assumedRoleUser().arn());
      assertThat(me.userId()).isEqualTo(r.assumedRoleUser().assumedRoleId());
      assertThat(me.account()).isEqualTo(ACCOUNT);
    }
  }

  @Test
  void assumedRoleCredentialsWithoutTheSessionTokenAreRejected() {
    role(name, ACCOUNT_TRUST);
    AssumeRoleResponse r = assume(name, b -> {});
    var noToken =
        StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                r.credentials().accessKeyId(), r.credentials().secretAccessKey()));
    try (StsClient session = IamClients.sts(ts, noToken)) {
      assertThatThrownBy(session::getCallerIdentity)
          .satisfies(t -> assertStsError(t, "InvalidClientTokenId", 403));
    }
  }

  @Test
  void expiredCredentialsAreExpiredToken() {
    role(name, ACCOUNT_TRUST);
    AssumeRoleResponse r = assume(name, b -> {});
    // Store a copy of the session whose expiry has passed, as the clock would make it.
    String id = AccessKeys.newTemporaryKeyId();
    Caller expired =
        new Caller(
            id,
            r.assumedRoleUser().arn(),
            ACCOUNT,
            r.assumedRoleUser().assumedRoleId(),
            Caller.Kind.ROLE_SESSION,
            Optional.of(roleArn(name)),
            Map.of(),
            Optional.empty());
    ts.server()
        .accessKeys()
        .put(
            expired,
            "s".repeat(40),
            Optional.of("tok"),
            Optional.of(Instant.now().minusSeconds(1)));
    try (StsClient session = IamClients.sts(ts, IamClients.session(id, "s".repeat(40), "tok"))) {
      assertThatThrownBy(session::getCallerIdentity)
          .satisfies(
              t -> {
                assertStsError(t, "ExpiredToken", 400);
                assertThat(((StsException) t).awsErrorDetails().errorMessage())
                    .isEqualTo("The security token included in the request is expired");
              });
    }
  }

  @Test
  void assumeRoleRefusedByTheTrustPolicyIsAccessDenied() {
    role(name, IamClients.POD_TRUST);
    assertThatThrownBy(() -> assume(name, b -> {}))
        .satisfies(
            t -> {
              assertStsError(t, "AccessDenied", 403);
              assertThat(((StsException) t).awsErrorDetails().errorMessage())
                  .isEqualTo(
                      "User: arn:aws:iam::"
                          + ACCOUNT
                          + ":user/podidentity-admin is not authorized to perform: sts:AssumeRole"
                          + " on resource: "
                          + roleArn(name));
            });
  }

  @Test
  void assumeRoleOfAMissingRoleIsAccessDenied() {
    assertThatThrownBy(() -> assume("no-such-role", b -> {}))
        .satisfies(t -> assertStsError(t, "AccessDenied", 403));
  }

  @Test
  void theAgentKeyMayNotAssumeRoles() {
    role(name, ACCOUNT_TRUST);
    try (StsClient agent = IamClients.sts(ts, ts.agentCredentials())) {
      assertThatThrownBy(
              () -> agent.assumeRole(b -> b.roleArn(roleArn(name)).roleSessionName("s9")))
          .satisfies(t -> assertStsError(t, "AccessDenied", 403));
    }
  }

  @Test
  void durationAboveTheRolesMaxSessionDurationIsValidationError() {
    role(name, ACCOUNT_TRUST);
    assertThatThrownBy(() -> assume(name, b -> b.durationSeconds(3601)))
        .satisfies(
            t -> {
              assertStsError(t, "ValidationError", 400);
              assertThat(((StsException) t).awsErrorDetails().errorMessage())
                  .isEqualTo(
                      "The requested DurationSeconds exceeds the MaxSessionDuration set for this"
                          + " role.");
            });
  }

  @Test
  void durationUpToTheRolesMaxSessionDurationIsGranted() {
    iam.createRole(
        b -> b.roleName(name).maxSessionDuration(7200).assumeRolePolicyDocument(ACCOUNT_TRUST));
    AssumeRoleResponse r = assume(name, b -> b.durationSeconds(7200));
    assertThat(r.credentials().expiration()).isAfter(Instant.now().plusSeconds(7100));
  }

  @Test
  void durationBelow900SecondsIsValidationError() {
    role(name, ACCOUNT_TRUST);
    assertThatThrownBy(() -> assume(name, b -> b.durationSeconds(899)))
        .satisfies(
            t -> {
              assertStsError(t, "ValidationError", 400);
              assertThat(((StsException) t).awsErrorDetails().errorMessage())
                  .isEqualTo(
                      "1 validation error detected: Value '899' at 'durationSeconds' failed to"
                          + " satisfy constraint: Member must have value greater than or equal to"
                          + " 900");
            });
  }

  @Test
  void anInvalidSessionNameIsValidationError() {
    role(name, ACCOUNT_TRUST);
    assertThatThrownBy(
            () -> sts.assumeRole(b -> b.roleArn(roleArn(name)).roleSessionName("has space")))
        .satisfies(
            t -> {
              assertStsError(t, "ValidationError", 400);
              assertThat(((StsException) t).awsErrorDetails().errorMessage())
                  .contains("'roleSessionName'")
                  .contains("[\\w+=,.@-]*");
            });
  }

  @Test
  void aOneCharacterSessionNameIsValidationError() {
    role(name, ACCOUNT_TRUST);
    assertThatThrownBy(() -> sts.assumeRole(b -> b.roleArn(roleArn(name)).roleSessionName("a")))
        .satisfies(t -> assertStsError(t, "ValidationError", 400));
  }

  @Test
  void aRoleArnThatIsNotARoleArnIsValidationError() {
    assertThatThrownBy(
            () ->
                sts.assumeRole(
                    b -> b.roleArn("arn:aws:s3:::some-bucket-name").roleSessionName("abc")))
        .satisfies(
            t -> {
              assertStsError(t, "ValidationError", 400);
              assertThat(((StsException) t).awsErrorDetails().errorMessage())
                  .isEqualTo("Request ARN is invalid");
            });
  }

  @Test
  void aRoleOfAnotherAccountIsAccessDenied() {
    assertThatThrownBy(
            () ->
                sts.assumeRole(
                    b ->
                        b.roleArn("arn:aws:iam::999988887777:role/" + name).roleSessionName("abc")))
        .satisfies(t -> assertStsError(t, "AccessDenied", 403));
  }

  @Test
  void aMissingRoleArnIsValidationError() {
    assertThatThrownBy(() -> sts.assumeRole(b -> b.roleSessionName("abc")))
        .satisfies(t -> assertStsError(t, "ValidationError", 400));
  }

  @Test
  void chainedSessionsGetAtMostOneHour() {
    role(name, ACCOUNT_TRUST);
    iam.updateRole(b -> b.roleName(name).maxSessionDuration(7200));
    iam.putRolePolicy(
        b -> b.roleName(name).policyName("chain").policyDocument(allow("*", "sts:AssumeRole")));
    AssumeRoleResponse first = assume(name, b -> {});
    try (StsClient session = IamClients.sts(ts, IamClients.session(first.credentials()))) {
      assertThatThrownBy(
              () ->
                  session.assumeRole(
                      b -> b.roleArn(roleArn(name)).roleSessionName("s2").durationSeconds(3601)))
          .satisfies(
              t -> {
                assertStsError(t, "ValidationError", 400);
                assertThat(((StsException) t).awsErrorDetails().errorMessage())
                    .isEqualTo(
                        "The requested DurationSeconds exceeds the 1 hour session limit for roles"
                            + " assumed by role chaining.");
              });
      AssumeRoleResponse second =
          session.assumeRole(b -> b.roleArn(roleArn(name)).roleSessionName("s2"));
      assertThat(second.assumedRoleUser().arn()).endsWith(":assumed-role/" + name + "/s2");
    }
  }

  @Test
  void aRoleSessionNeedsPermissionToAssumeAnotherRole() {
    role(name, ACCOUNT_TRUST);
    role(name + "-t", ACCOUNT_TRUST);
    AssumeRoleResponse first = assume(name, b -> {});
    try (StsClient session = IamClients.sts(ts, IamClients.session(first.credentials()))) {
      assertThatThrownBy(
              () -> session.assumeRole(b -> b.roleArn(roleArn(name + "-t")).roleSessionName("s2")))
          .satisfies(
              t -> {
                assertStsError(t, "AccessDenied", 403);
                assertThat(((StsException) t).awsErrorDetails().errorMessage())
                    .startsWith("User: " + first.assumedRoleUser().arn() + " is not authorized");
              });
    }
  }

  @Test
  void aTrustPolicyNamingTheCallersRoleSufficesWithoutAPermissionPolicy() {
    // Same account: a trust policy that names the caller's role grants by itself ("Policy
    // evaluation logic", identity-based and resource-based policies).
    role(name, ACCOUNT_TRUST);
    String trust =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
            + roleArn(name)
            + "\"},\"Action\":\"sts:AssumeRole\"}]}";
    role(name + "-t", trust);
    AssumeRoleResponse first = assume(name, b -> {});
    try (StsClient session = IamClients.sts(ts, IamClients.session(first.credentials()))) {
      assertThat(
              session
                  .assumeRole(b -> b.roleArn(roleArn(name + "-t")).roleSessionName("s2"))
                  .assumedRoleUser()
                  .arn())
          .endsWith(":assumed-role/" + name + "-t/s2");
    }
  }

  @Test
  void sessionTagsNeedStsTagSessionInTheTrustPolicy() {
    String trust =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
            + "\"arn:aws:iam::"
            + ACCOUNT
            + ":root\"},\"Action\":\"sts:AssumeRole\"}]}";
    role(name, trust);
    assertThat(assume(name, b -> {}).credentials()).isNotNull();
    assertThatThrownBy(() -> assume(name, b -> b.tags(Tag.builder().key("k").value("v").build())))
        .satisfies(
            t -> {
              assertStsError(t, "AccessDenied", 403);
              assertThat(((StsException) t).awsErrorDetails().errorMessage())
                  .contains("sts:TagSession");
            });
  }

  @Test
  void trustPolicyConditionsSeeTheRequestTags() {
    String trust =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
            + "\"arn:aws:iam::"
            + ACCOUNT
            + ":root\"},\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"],\"Condition\":"
            + "{\"StringEquals\":{\"aws:RequestTag/team\":\"blue\"}}}]}";
    role(name, trust);
    AssumeRoleResponse ok =
        assume(name, b -> b.tags(Tag.builder().key("team").value("blue").build()));
    assertThat(ok.packedPolicySize()).isBetween(1, 100);
    assertThatThrownBy(
            () -> assume(name, b -> b.tags(Tag.builder().key("team").value("red").build())))
        .satisfies(t -> assertStsError(t, "AccessDenied", 403));
    assertThatThrownBy(() -> assume(name, b -> {}))
        .satisfies(t -> assertStsError(t, "AccessDenied", 403));
  }

  @Test
  void externalIdIsVisibleToTheTrustPolicy() {
    String trust =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
            + "\"arn:aws:iam::"
            + ACCOUNT
            + ":root\"},\"Action\":\"sts:AssumeRole\",\"Condition\":"
            + "{\"StringEquals\":{\"sts:ExternalId\":\"ext-123\"}}}]}";
    role(name, trust);
    assertThat(assume(name, b -> b.externalId("ext-123")).credentials()).isNotNull();
    assertThatThrownBy(() -> assume(name, b -> b.externalId("ext-999")))
        .satisfies(t -> assertStsError(t, "AccessDenied", 403));
    assertThatThrownBy(() -> assume(name, b -> {}))
        .satisfies(t -> assertStsError(t, "AccessDenied", 403));
  }

  @Test
  void duplicateSessionTagKeysAreRejectedWhateverTheCase() {
    role(name, ACCOUNT_TRUST);
    assertThatThrownBy(
            () ->
                assume(
                    name,
                    b ->
                        b.tags(
                            Tag.builder().key("Team").value("a").build(),
                            Tag.builder().key("team").value("b").build())))
        .satisfies(t -> assertStsError(t, "InvalidParameterValue", 400));
  }

  @Test
  void transitiveTagsCarryOverToChainedSessions() {
    role(name, ACCOUNT_TRUST);
    iam.putRolePolicy(
        b ->
            b.roleName(name)
                .policyName("p")
                .policyDocument(allow("*", "sts:AssumeRole", "sts:TagSession", "iam:GetRole")));
    String checks =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:GetRole\","
            + "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalTag/team\":"
            + "\"blue\"}}},{\"Effect\":\"Allow\",\"Action\":\"iam:ListRoleTags\",\"Resource\":\"*\","
            + "\"Condition\":{\"Null\":{\"aws:PrincipalTag/temp\":\"false\"}}}]}";
    role(name + "-t", ACCOUNT_TRUST);
    iam.putRolePolicy(b -> b.roleName(name + "-t").policyName("p").policyDocument(checks));
    AssumeRoleResponse first =
        assume(
            name,
            b ->
                b.tags(
                        Tag.builder().key("team").value("blue").build(),
                        Tag.builder().key("temp").value("x").build())
                    .transitiveTagKeys("team"));
    try (StsClient session = IamClients.sts(ts, IamClients.session(first.credentials()))) {
      AssumeRoleResponse second =
          session.assumeRole(b -> b.roleArn(roleArn(name + "-t")).roleSessionName("s2"));
      try (IamClient chained = IamClients.iam(ts, IamClients.session(second.credentials()))) {
        assertThat(chained.getRole(b -> b.roleName(name + "-t")).role().roleName())
            .isEqualTo(name + "-t");
        // temp was not transitive: it did not carry over.
        assertThatThrownBy(() -> chained.listRoleTags(b -> b.roleName(name + "-t")))
            .isInstanceOfSatisfying(
                IamException.class,
                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
      }
      // An inherited transitive tag cannot be overridden.
      assertThatThrownBy(
              () ->
                  session.assumeRole(
                      b ->
                          b.roleArn(roleArn(name + "-t"))
                              .roleSessionName("s3")
                              .tags(Tag.builder().key("team").value("red").build())))
          .satisfies(t -> assertStsError(t, "InvalidParameterValue", 400));
    }
  }

  @Test
  void aTransitiveTagKeyThatIsNotATagIsRejected() {
    role(name, ACCOUNT_TRUST);
    assertThatThrownBy(
            () ->
                assume(
                    name,
                    b -> b.tags(Tag.builder().key("a").value("1").build()).transitiveTagKeys("b")))
        .satisfies(t -> assertStsError(t, "InvalidParameterValue", 400));
  }

  @Test
  void aSessionPolicyNarrowsWhatTheSessionMayDo() {
    role(name, ACCOUNT_TRUST);
    iam.putRolePolicy(
        b ->
            b.roleName(name)
                .policyName("p")
                .policyDocument(allow("*", "iam:GetRole", "iam:ListRoleTags")));
    AssumeRoleResponse r = assume(name, b -> b.policy(allow("*", "iam:GetRole")));
    assertThat(r.packedPolicySize()).isBetween(1, 100);
    try (IamClient session = IamClients.iam(ts, IamClients.session(r.credentials()))) {
      assertThat(session.getRole(b -> b.roleName(name)).role().roleName()).isEqualTo(name);
      assertThatThrownBy(() -> session.listRoleTags(b -> b.roleName(name)))
          .isInstanceOfSatisfying(
              IamException.class,
              e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                assertThat(e.statusCode()).isEqualTo(403);
              });
    }
  }

  @Test
  void aMalformedSessionPolicyIsMalformedPolicyDocument() {
    role(name, ACCOUNT_TRUST);
    assertThatThrownBy(() -> assume(name, b -> b.policy("{\"Statement\":42}")))
        .isInstanceOf(MalformedPolicyDocumentException.class);
  }

  @Test
  void aSessionPolicyOver2048CharactersIsValidationError() {
    role(name, ACCOUNT_TRUST);
    String big = allow("arn:aws:s3:::" + "b".repeat(2100), "s3:GetObject");
    assertThatThrownBy(() -> assume(name, b -> b.policy(big)))
        .satisfies(t -> assertStsError(t, "ValidationError", 400));
  }

  @Test
  void tooManyLargeTagsArePackedPolicyTooLarge() {
    role(name, ACCOUNT_TRUST);
    List<Tag> tags = new ArrayList<>();
    java.util.Random rnd = new java.util.Random(7);
    for (int i = 0; i < 50; i++) {
      StringBuilder v = new StringBuilder();
      for (int j = 0; j < 256; j++) {
        v.append((char) ('a' + rnd.nextInt(26)));
      }
      tags.add(Tag.builder().key("key" + i).value(v.toString()).build());
    }
    assertThatThrownBy(() -> assume(name, b -> b.tags(tags)))
        .isInstanceOfSatisfying(
            PackedPolicyTooLargeException.class,
            e ->
                assertThat(e.awsErrorDetails().errorMessage())
                    .matches(
                        "Packed policy consumes \\d+% of allotted space, please use smaller policy\\."));
  }

  @Test
  void principalTagsAreUsableAsPolicyVariables() {
    role(name, ACCOUNT_TRUST);
    role("ns-blue-app", ACCOUNT_TRUST);
    role("ns-red-app", ACCOUNT_TRUST);
    iam.putRolePolicy(
        b ->
            b.roleName(name)
                .policyName("p")
                .policyDocument(
                    allow(
                        "arn:aws:iam::" + ACCOUNT + ":role/ns-${aws:PrincipalTag/team}-*",
                        "iam:GetRole")));
    AssumeRoleResponse r =
        assume(name, b -> b.tags(Tag.builder().key("team").value("blue").build()));
    try (IamClient session = IamClients.iam(ts, IamClients.session(r.credentials()))) {
      assertThat(session.getRole(b -> b.roleName("ns-blue-app")).role().roleName())
          .isEqualTo("ns-blue-app");
      assertThatThrownBy(() -> session.getRole(b -> b.roleName("ns-red-app")))
          .isInstanceOf(IamException.class);
    }
  }

  @Test
  void sessionsOfADeletedRoleGetNothing() {
    role(name, ACCOUNT_TRUST);
    iam.putRolePolicy(b -> b.roleName(name).policyName("p").policyDocument(allow("*", "iam:*")));
    AssumeRoleResponse r = assume(name, b -> {});
    iam.deleteRolePolicy(b -> b.roleName(name).policyName("p"));
    iam.deleteRole(b -> b.roleName(name));
    role(name, ACCOUNT_TRUST);
    iam.putRolePolicy(b -> b.roleName(name).policyName("p").policyDocument(allow("*", "iam:*")));
    try (IamClient session = IamClients.iam(ts, IamClients.session(r.credentials()))) {
      assertThatThrownBy(() -> session.getRole(b -> b.roleName(name)))
          .isInstanceOfSatisfying(
              IamException.class,
              e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
    }
  }

  @Test
  void aDefectIsAnswered500InTheQueryEnvelope() {
    role(name, ACCOUNT_TRUST);
    String id = AccessKeys.newTemporaryKeyId();
    Caller corrupt =
        new Caller(
            id,
            "arn:aws:sts::" + ACCOUNT + ":assumed-role/" + name + "/x",
            ACCOUNT,
            "AROAX:x",
            Caller.Kind.ROLE_SESSION,
            Optional.of(roleArn(name)),
            Map.of(),
            Optional.of("{not json"));
    ts.server()
        .accessKeys()
        .put(
            corrupt,
            "s".repeat(40),
            Optional.of("tok"),
            Optional.of(Instant.now().plusSeconds(600)));
    try (StsClient session = IamClients.sts(ts, IamClients.session(id, "s".repeat(40), "tok"))) {
      assertThatThrownBy(
              () -> session.assumeRole(b -> b.roleArn(roleArn(name)).roleSessionName("s2")))
          .satisfies(
              t -> {
                assertStsError(t, "InternalFailure", 500);
                assertThat(((StsException) t).awsErrorDetails().errorMessage())
                    .startsWith("Internal error; request ");
              });
    }
  }

  @Test
  void anUnknownActionIsInvalidAction() {
    assertThatThrownBy(() -> sts.getSessionToken())
        .satisfies(t -> assertStsError(t, "InvalidAction", 400));
  }

  @Test
  void issuedCredentialsAreNotStoredInClearText() throws Exception {
    role(name, ACCOUNT_TRUST);
    AssumeRoleResponse r = assume(name, b -> {});
    String secret = r.credentials().secretAccessKey();
    String token = r.credentials().sessionToken();
    List<String> rows =
        ts.server()
            .database()
            .read(
                h ->
                    h.createQuery(
                            "SELECT secret_enc || ' ' || session_token_enc || ' ' || session FROM"
                                + " access_keys WHERE access_key_id = :id")
                        .bind("id", r.credentials().accessKeyId())
                        .mapTo(String.class)
                        .list());
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0)).doesNotContain(secret).doesNotContain(token);
    assertThat(Duration.between(Instant.now(), r.credentials().expiration())).isPositive();
  }
}
