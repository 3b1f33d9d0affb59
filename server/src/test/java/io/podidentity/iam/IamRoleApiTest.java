package io.podidentity.iam;

import static io.podidentity.iam.IamClients.ACCOUNT;
import static io.podidentity.iam.IamClients.ACCOUNT_TRUST;
import static io.podidentity.iam.IamClients.POD_TRUST;
import static io.podidentity.iam.IamClients.S3_POLICY;
import static io.podidentity.iam.IamClients.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podidentity.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.DeleteConflictException;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.LimitExceededException;
import software.amazon.awssdk.services.iam.model.ListRolesResponse;
import software.amazon.awssdk.services.iam.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

/** Roles, inline policies and tags through the AWS SDK for Java v2's IamClient. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IamRoleApiTest {
  TestServer ts;
  IamClient iam;
  String name;

  @BeforeAll
  void start() {
    ts = new TestServer();
    iam = IamClients.iam(ts);
  }

  @AfterAll
  void stop() {
    iam.close();
    ts.close();
  }

  @BeforeEach
  void uniqueName(TestInfo info) {
    String m = info.getTestMethod().orElseThrow().getName();
    name = m.length() > 60 ? m.substring(0, 60) : m;
  }

  Role create(String roleName) {
    return iam.createRole(b -> b.roleName(roleName).assumeRolePolicyDocument(POD_TRUST)).role();
  }

  @Test
  void createRoleAnswersArnIdPathAndTheTrustPolicyUrlEncoded() {
    Role r = create(name);
    assertThat(r.roleName()).isEqualTo(name);
    assertThat(r.path()).isEqualTo("/");
    assertThat(r.arn()).isEqualTo("arn:aws:iam::" + ACCOUNT + ":role/" + name);
    assertThat(r.roleId()).matches("AROA[A-Z2-7]{17}");
    assertThat(r.assumeRolePolicyDocument()).startsWith("%7B%22Version%22");
    assertThat(decode(r.assumeRolePolicyDocument())).isEqualTo(POD_TRUST);
    assertThat(r.maxSessionDuration()).isEqualTo(3600);
    assertThat(r.createDate()).isNotNull();
  }

  @Test
  void createRoleWithAPathPutsThePathInTheArn() {
    Role r =
        iam.createRole(
                b ->
                    b.roleName(name)
                        .path("/team/app/")
                        .description("for the app")
                        .maxSessionDuration(7200)
                        .assumeRolePolicyDocument(POD_TRUST))
            .role();
    assertThat(r.arn()).isEqualTo("arn:aws:iam::" + ACCOUNT + ":role/team/app/" + name);
    Role got = iam.getRole(b -> b.roleName(name)).role();
    assertThat(got.path()).isEqualTo("/team/app/");
    assertThat(got.description()).isEqualTo("for the app");
    assertThat(got.maxSessionDuration()).isEqualTo(7200);
  }

  @Test
  void createRoleWithAnInvalidPathIsValidationError() {
    assertThatThrownBy(
            () ->
                iam.createRole(
                    b -> b.roleName(name).path("no-slashes").assumeRolePolicyDocument(POD_TRUST)))
        .isInstanceOfSatisfying(
            IamException.class,
            e -> {
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
              assertThat(e.statusCode()).isEqualTo(400);
            });
  }

  @Test
  void createRoleTwiceIsEntityAlreadyExistsWhateverTheCase() {
    create(name);
    assertThatThrownBy(() -> create(name.toUpperCase()))
        .isInstanceOfSatisfying(
            EntityAlreadyExistsException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(409);
              assertThat(e.awsErrorDetails().errorMessage())
                  .isEqualTo("Role with name " + name.toUpperCase() + " already exists.");
            });
  }

  @Test
  void createRoleWithAnInvalidNameIsValidationError() {
    assertThatThrownBy(() -> create("bad name"))
        .isInstanceOfSatisfying(
            IamException.class,
            e -> {
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.awsErrorDetails().errorMessage())
                  .isEqualTo(
                      "1 validation error detected: Value 'bad name' at 'roleName' failed to"
                          + " satisfy constraint: Member must satisfy regular expression pattern:"
                          + " [\\w+=,.@-]+");
            });
  }

  @Test
  void createRoleWithATooLongNameIsValidationError() {
    assertThatThrownBy(() -> create("r".repeat(65)))
        .isInstanceOfSatisfying(
            IamException.class,
            e ->
                assertThat(e.awsErrorDetails().errorMessage())
                    .contains("less than or equal to 64"));
  }

  @Test
  void createRoleWithAMalformedTrustPolicyIsMalformedPolicyDocument() {
    assertThatThrownBy(
            () -> iam.createRole(b -> b.roleName(name).assumeRolePolicyDocument("{not json")))
        .isInstanceOfSatisfying(
            MalformedPolicyDocumentException.class, e -> assertThat(e.statusCode()).isEqualTo(400));
  }

  @Test
  void createRoleWithAResourceInTheTrustPolicyIsMalformedPolicyDocument() {
    String trust =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
            + "\"pods.eks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}]}";
    assertThatThrownBy(() -> iam.createRole(b -> b.roleName(name).assumeRolePolicyDocument(trust)))
        .isInstanceOf(MalformedPolicyDocumentException.class);
  }

  @Test
  void createRoleWithATrustPolicyOver2048CharactersIsLimitExceeded() {
    StringBuilder sids = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      sids.append(
          "{\"Sid\":\"S"
              + i
              + "\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
              + "\"pods.eks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"},");
    }
    String trust =
        "{\"Version\":\"2012-10-17\",\"Statement\":[" + sids.substring(0, sids.length() - 1) + "]}";
    assertThatThrownBy(() -> iam.createRole(b -> b.roleName(name).assumeRolePolicyDocument(trust)))
        .isInstanceOfSatisfying(
            LimitExceededException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(409);
              assertThat(e.awsErrorDetails().errorMessage())
                  .isEqualTo("Cannot exceed quota for ACLSizePerRole: 2048");
            });
  }

  @Test
  void createRoleWithMaxSessionDurationOver43200IsValidationError() {
    assertThatThrownBy(
            () ->
                iam.createRole(
                    b ->
                        b.roleName(name)
                            .maxSessionDuration(43201)
                            .assumeRolePolicyDocument(POD_TRUST)))
        .isInstanceOfSatisfying(
            IamException.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
  }

  @Test
  void getRoleOfAnUnknownRoleIsNoSuchEntity() {
    assertThatThrownBy(() -> iam.getRole(b -> b.roleName("nobody")))
        .isInstanceOfSatisfying(
            NoSuchEntityException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(404);
              assertThat(e.awsErrorDetails().errorMessage())
                  .isEqualTo("The role with name nobody cannot be found.");
            });
  }

  @Test
  void getRoleReturnsWhatCreateStoredWithTags() {
    Role created =
        iam.createRole(
                b ->
                    b.roleName(name)
                        .assumeRolePolicyDocument(POD_TRUST)
                        .tags(Tag.builder().key("team").value("blue").build()))
            .role();
    Role got = iam.getRole(b -> b.roleName(name)).role();
    assertThat(got.roleId()).isEqualTo(created.roleId());
    assertThat(got.arn()).isEqualTo(created.arn());
    assertThat(decode(got.assumeRolePolicyDocument())).isEqualTo(POD_TRUST);
    assertThat(got.tags()).containsExactly(Tag.builder().key("team").value("blue").build());
  }

  @Test
  void listRolesPagesWithMarkerAndMaxItems() {
    List<String> mine = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String n = "list-" + i;
      iam.createRole(b -> b.roleName(n).path("/listing/").assumeRolePolicyDocument(POD_TRUST));
      mine.add(n);
    }
    ListRolesResponse first = iam.listRoles(b -> b.pathPrefix("/listing/").maxItems(2));
    assertThat(first.isTruncated()).isTrue();
    assertThat(first.marker()).isNotBlank();
    assertThat(first.roles()).extracting(Role::roleName).containsExactly("list-0", "list-1");
    List<String> all = new ArrayList<>();
    iam.listRolesPaginator(b -> b.pathPrefix("/listing/").maxItems(2))
        .roles()
        .forEach(r -> all.add(r.roleName()));
    assertThat(all).isEqualTo(mine);
  }

  @Test
  void listRolesWithABadMarkerIsValidationError() {
    assertThatThrownBy(() -> iam.listRoles(b -> b.marker("!!not-a-marker")))
        .isInstanceOfSatisfying(
            IamException.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
  }

  @Test
  void deleteRoleWhileInlinePoliciesRemainIsDeleteConflict() {
    create(name);
    iam.putRolePolicy(b -> b.roleName(name).policyName("p").policyDocument(S3_POLICY));
    assertThatThrownBy(() -> iam.deleteRole(b -> b.roleName(name)))
        .isInstanceOfSatisfying(
            DeleteConflictException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(409);
              assertThat(e.awsErrorDetails().errorMessage())
                  .isEqualTo("Cannot delete entity, must delete policies first.");
            });
  }

  @Test
  void deleteRoleRemovesIt() {
    create(name);
    iam.deleteRole(b -> b.roleName(name));
    assertThatThrownBy(() -> iam.getRole(b -> b.roleName(name)))
        .isInstanceOf(NoSuchEntityException.class);
  }

  @Test
  void deleteRoleOfAnUnknownRoleIsNoSuchEntity() {
    assertThatThrownBy(() -> iam.deleteRole(b -> b.roleName(name)))
        .isInstanceOf(NoSuchEntityException.class);
  }

  @Test
  void updateAssumeRolePolicyReplacesTheTrustPolicy() {
    create(name);
    iam.updateAssumeRolePolicy(b -> b.roleName(name).policyDocument(ACCOUNT_TRUST));
    assertThat(decode(iam.getRole(b -> b.roleName(name)).role().assumeRolePolicyDocument()))
        .isEqualTo(ACCOUNT_TRUST);
  }

  @Test
  void updateAssumeRolePolicyOfAnUnknownRoleIsNoSuchEntity() {
    assertThatThrownBy(
            () -> iam.updateAssumeRolePolicy(b -> b.roleName(name).policyDocument(ACCOUNT_TRUST)))
        .isInstanceOf(NoSuchEntityException.class);
  }

  @Test
  void updateRoleSetsMaxSessionDurationAndDescription() {
    create(name);
    iam.updateRole(b -> b.roleName(name).maxSessionDuration(43200).description("long"));
    Role r = iam.getRole(b -> b.roleName(name)).role();
    assertThat(r.maxSessionDuration()).isEqualTo(43200);
    assertThat(r.description()).isEqualTo("long");
  }

  @Test
  void updateRoleWithMaxSessionDurationBelow3600IsValidationError() {
    create(name);
    assertThatThrownBy(() -> iam.updateRole(b -> b.roleName(name).maxSessionDuration(3599)))
        .isInstanceOfSatisfying(
            IamException.class,
            e -> {
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
              assertThat(e.awsErrorDetails().errorMessage())
                  .contains("'maxSessionDuration'")
                  .contains("greater than or equal to 3600");
            });
  }

  @Test
  void putRolePolicyThenGetRolePolicyReturnsItUrlEncoded() {
    create(name);
    iam.putRolePolicy(b -> b.roleName(name).policyName("read").policyDocument(S3_POLICY));
    var got = iam.getRolePolicy(b -> b.roleName(name).policyName("read"));
    assertThat(got.roleName()).isEqualTo(name);
    assertThat(got.policyName()).isEqualTo("read");
    assertThat(got.policyDocument()).doesNotContain("{").contains("%22s3%3AGetObject%22");
    assertThat(decode(got.policyDocument())).isEqualTo(S3_POLICY);
  }

  @Test
  void putRolePolicyWithTheSameNameReplacesIt() {
    create(name);
    iam.putRolePolicy(b -> b.roleName(name).policyName("p").policyDocument(S3_POLICY));
    String other = IamClients.allow("*", "iam:GetRole");
    iam.putRolePolicy(b -> b.roleName(name).policyName("p").policyDocument(other));
    assertThat(decode(iam.getRolePolicy(b -> b.roleName(name).policyName("p")).policyDocument()))
        .isEqualTo(other);
    assertThat(iam.listRolePolicies(b -> b.roleName(name)).policyNames()).containsExactly("p");
  }

  @Test
  void putRolePolicyWithAMalformedDocumentIsMalformedPolicyDocument() {
    create(name);
    String noEffect =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Action\":\"s3:*\",\"Resource\":\"*\"}]}";
    assertThatThrownBy(
            () -> iam.putRolePolicy(b -> b.roleName(name).policyName("p").policyDocument(noEffect)))
        .isInstanceOfSatisfying(
            MalformedPolicyDocumentException.class,
            e -> assertThat(e.awsErrorDetails().errorMessage()).isNotBlank());
  }

  @Test
  void putRolePolicyWithAPrincipalIsMalformedPolicyDocument() {
    create(name);
    assertThatThrownBy(
            () ->
                iam.putRolePolicy(b -> b.roleName(name).policyName("p").policyDocument(POD_TRUST)))
        .isInstanceOf(MalformedPolicyDocumentException.class);
  }

  @Test
  void inlinePoliciesOver10240CharactersInTotalAreLimitExceeded() {
    create(name);
    StringBuilder actions = new StringBuilder();
    for (int i = 0; i < 180; i++) {
      actions
          .append(actions.length() == 0 ? "" : ",")
          .append("\"s3:GetObjectVersion")
          .append(i)
          .append('"');
    }
    String big =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":["
            + actions
            + "],\"Resource\":\"*\"}]}";
    assertThat(big.length()).isBetween(4000, 5200);
    iam.putRolePolicy(b -> b.roleName(name).policyName("a").policyDocument(big));
    iam.putRolePolicy(b -> b.roleName(name).policyName("b").policyDocument(big));
    assertThatThrownBy(
            () -> iam.putRolePolicy(b -> b.roleName(name).policyName("c").policyDocument(big)))
        .isInstanceOfSatisfying(
            LimitExceededException.class,
            e ->
                assertThat(e.awsErrorDetails().errorMessage())
                    .isEqualTo("Maximum policy size of 10240 bytes exceeded for role " + name));
  }

  @Test
  void putRolePolicyOnAnUnknownRoleIsNoSuchEntity() {
    assertThatThrownBy(
            () ->
                iam.putRolePolicy(b -> b.roleName(name).policyName("p").policyDocument(S3_POLICY)))
        .isInstanceOf(NoSuchEntityException.class);
  }

  @Test
  void getRolePolicyOfAnUnknownPolicyIsNoSuchEntity() {
    create(name);
    assertThatThrownBy(() -> iam.getRolePolicy(b -> b.roleName(name).policyName("none")))
        .isInstanceOfSatisfying(
            NoSuchEntityException.class,
            e ->
                assertThat(e.awsErrorDetails().errorMessage())
                    .isEqualTo("The role policy with name none cannot be found."));
  }

  @Test
  void listRolePoliciesNamesTheInlinePoliciesAndPages() {
    create(name);
    for (String p : List.of("c", "a", "b")) {
      iam.putRolePolicy(b -> b.roleName(name).policyName(p).policyDocument(S3_POLICY));
    }
    var first = iam.listRolePolicies(b -> b.roleName(name).maxItems(2));
    assertThat(first.policyNames()).containsExactly("a", "b");
    assertThat(first.isTruncated()).isTrue();
    var second = iam.listRolePolicies(b -> b.roleName(name).marker(first.marker()));
    assertThat(second.policyNames()).containsExactly("c");
    assertThat(second.isTruncated()).isFalse();
  }

  @Test
  void deleteRolePolicyRemovesItAndThenTheRoleCanBeDeleted() {
    create(name);
    iam.putRolePolicy(b -> b.roleName(name).policyName("p").policyDocument(S3_POLICY));
    iam.deleteRolePolicy(b -> b.roleName(name).policyName("p"));
    assertThat(iam.listRolePolicies(b -> b.roleName(name)).policyNames()).isEmpty();
    iam.deleteRole(b -> b.roleName(name));
  }

  @Test
  void deleteRolePolicyOfAnUnknownPolicyIsNoSuchEntity() {
    create(name);
    assertThatThrownBy(() -> iam.deleteRolePolicy(b -> b.roleName(name).policyName("p")))
        .isInstanceOf(NoSuchEntityException.class);
  }

  @Test
  void tagRoleAddsAndReplacesTagsAndListRoleTagsShowsThem() {
    create(name);
    iam.tagRole(
        b ->
            b.roleName(name)
                .tags(
                    Tag.builder().key("team").value("blue").build(),
                    Tag.builder().key("env").value("dev").build()));
    iam.tagRole(b -> b.roleName(name).tags(Tag.builder().key("env").value("prod").build()));
    assertThat(iam.listRoleTags(b -> b.roleName(name)).tags())
        .containsExactly(
            Tag.builder().key("team").value("blue").build(),
            Tag.builder().key("env").value("prod").build());
  }

  @Test
  void untagRoleRemovesTheGivenKeys() {
    create(name);
    iam.tagRole(
        b ->
            b.roleName(name)
                .tags(
                    Tag.builder().key("team").value("blue").build(),
                    Tag.builder().key("env").value("dev").build()));
    iam.untagRole(b -> b.roleName(name).tagKeys("team", "absent"));
    assertThat(iam.listRoleTags(b -> b.roleName(name)).tags())
        .containsExactly(Tag.builder().key("env").value("dev").build());
  }

  @Test
  void moreThan50TagsOnARoleIsLimitExceeded() {
    create(name);
    List<Tag> tags = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      tags.add(Tag.builder().key("k" + i).value("v").build());
    }
    iam.tagRole(b -> b.roleName(name).tags(tags));
    assertThatThrownBy(
            () ->
                iam.tagRole(
                    b -> b.roleName(name).tags(Tag.builder().key("one").value("more").build())))
        .isInstanceOfSatisfying(
            LimitExceededException.class, e -> assertThat(e.statusCode()).isEqualTo(409));
  }

  @Test
  void tagKeysWithTheAwsPrefixAreInvalidInput() {
    create(name);
    assertThatThrownBy(
            () ->
                iam.tagRole(
                    b -> b.roleName(name).tags(Tag.builder().key("aws:x").value("v").build())))
        .isInstanceOfSatisfying(
            IamException.class,
            e -> {
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidInput");
              assertThat(e.statusCode()).isEqualTo(400);
            });
  }

  @Test
  void tagRoleOnAnUnknownRoleIsNoSuchEntity() {
    assertThatThrownBy(
            () ->
                iam.tagRole(b -> b.roleName(name).tags(Tag.builder().key("a").value("b").build())))
        .isInstanceOf(NoSuchEntityException.class);
  }

  @Test
  void rolesAndPoliciesSurviveARestart() {
    create(name);
    iam.putRolePolicy(b -> b.roleName(name).policyName("p").policyDocument(S3_POLICY));
    ts.restart();
    iam.close();
    iam = IamClients.iam(ts);
    assertThat(iam.getRole(b -> b.roleName(name)).role().roleName()).isEqualTo(name);
    assertThat(decode(iam.getRolePolicy(b -> b.roleName(name).policyName("p")).policyDocument()))
        .isEqualTo(S3_POLICY);
  }

  @Test
  void theAgentKeyMayNotCallIam() {
    try (IamClient agent = IamClients.iam(ts, ts.agentCredentials())) {
      assertThatThrownBy(() -> agent.listRoles())
          .isInstanceOfSatisfying(
              IamException.class,
              e -> {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorMessage())
                    .startsWith(
                        "User: arn:aws:iam::"
                            + ACCOUNT
                            + ":user/podidentity-agent is not authorized to perform:"
                            + " iam:ListRoles");
              });
    }
  }
}
