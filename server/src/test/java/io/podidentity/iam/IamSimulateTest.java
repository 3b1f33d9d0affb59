package io.podidentity.iam;

import static io.podidentity.iam.IamClients.ACCOUNT;
import static io.podidentity.iam.IamClients.POD_TRUST;
import static io.podidentity.iam.IamClients.S3_POLICY;
import static io.podidentity.iam.IamClients.roleArn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podidentity.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.ContextEntry;
import software.amazon.awssdk.services.iam.model.ContextKeyTypeEnum;
import software.amazon.awssdk.services.iam.model.EvaluationResult;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.PolicyEvaluationDecisionType;
import software.amazon.awssdk.services.iam.model.PolicySourceType;
import software.amazon.awssdk.services.iam.model.SimulatePrincipalPolicyRequest;
import software.amazon.awssdk.services.iam.model.Statement;
import software.amazon.awssdk.services.iam.model.Tag;

/** SimulatePrincipalPolicy for roles through IamClient. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IamSimulateTest {
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
  void role(TestInfo info) {
    String m = info.getTestMethod().orElseThrow().getName();
    name = m.length() > 60 ? m.substring(0, 60) : m;
    iam.createRole(b -> b.roleName(name).assumeRolePolicyDocument(POD_TRUST));
  }

  void put(String policyName, String doc) {
    iam.putRolePolicy(b -> b.roleName(name).policyName(policyName).policyDocument(doc));
  }

  List<EvaluationResult> simulate(
      java.util.function.Consumer<SimulatePrincipalPolicyRequest.Builder> more) {
    return iam.simulatePrincipalPolicy(
            b -> {
              b.policySourceArn(roleArn(name));
              more.accept(b);
            })
        .evaluationResults();
  }

  @Test
  void anAllowedActionIsAllowedWithTheStatementThatAllowedIt() {
    put("read", S3_POLICY);
    List<EvaluationResult> r =
        simulate(b -> b.actionNames("s3:ListBucket").resourceArns("arn:aws:s3:::artifacts"));
    assertThat(r).hasSize(1);
    EvaluationResult e = r.get(0);
    assertThat(e.evalActionName()).isEqualTo("s3:ListBucket");
    assertThat(e.evalResourceName()).isEqualTo("arn:aws:s3:::artifacts");
    assertThat(e.evalDecision()).isEqualTo(PolicyEvaluationDecisionType.ALLOWED);
    assertThat(e.matchedStatements()).hasSize(1);
    Statement s = e.matchedStatements().get(0);
    assertThat(s.sourcePolicyId()).isEqualTo("read");
    assertThat(s.sourcePolicyType()).isEqualTo(PolicySourceType.ROLE);
    assertThat(s.startPosition().line()).isEqualTo(1);
    assertThat(s.endPosition().column()).isGreaterThan(s.startPosition().column());
    assertThat(e.resourceSpecificResults()).hasSize(1);
    assertThat(e.resourceSpecificResults().get(0).evalResourceDecision())
        .isEqualTo(PolicyEvaluationDecisionType.ALLOWED);
  }

  @Test
  void anActionNoStatementAllowsIsImplicitDeny() {
    put("read", S3_POLICY);
    EvaluationResult e =
        simulate(b -> b.actionNames("s3:PutObject").resourceArns("arn:aws:s3:::artifacts/x"))
            .get(0);
    assertThat(e.evalDecision()).isEqualTo(PolicyEvaluationDecisionType.IMPLICIT_DENY);
    assertThat(e.matchedStatements()).isEmpty();
  }

  @Test
  void aMatchingDenyIsExplicitDenyAndReportsOnlyTheDeny() {
    put("read", S3_POLICY);
    put(
        "deny",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"NoList\",\"Effect\":\"Deny\","
            + "\"Action\":\"s3:ListBucket\",\"Resource\":\"*\"}]}");
    EvaluationResult e =
        simulate(b -> b.actionNames("s3:ListBucket").resourceArns("arn:aws:s3:::artifacts")).get(0);
    assertThat(e.evalDecision()).isEqualTo(PolicyEvaluationDecisionType.EXPLICIT_DENY);
    assertThat(e.matchedStatements()).extracting(Statement::sourcePolicyId).containsExactly("deny");
  }

  @Test
  void withoutResourceArnsTheResourceIsStar() {
    put("any", IamClients.allow("*", "s3:ListAllMyBuckets"));
    EvaluationResult e = simulate(b -> b.actionNames("s3:ListAllMyBuckets")).get(0);
    assertThat(e.evalResourceName()).isEqualTo("*");
    assertThat(e.evalDecision()).isEqualTo(PolicyEvaluationDecisionType.ALLOWED);
  }

  @Test
  void everyActionIsSimulatedOnEveryResourceInOrder() {
    put("read", S3_POLICY);
    List<EvaluationResult> r =
        simulate(
            b ->
                b.actionNames("s3:GetObject", "s3:DeleteObject")
                    .resourceArns("arn:aws:s3:::artifacts/a", "arn:aws:s3:::other/a"));
    assertThat(r)
        .extracting(
            e -> e.evalActionName() + " " + e.evalResourceName() + " " + e.evalDecisionAsString())
        .containsExactly(
            "s3:GetObject arn:aws:s3:::artifacts/a allowed",
            "s3:GetObject arn:aws:s3:::other/a implicitDeny",
            "s3:DeleteObject arn:aws:s3:::artifacts/a implicitDeny",
            "s3:DeleteObject arn:aws:s3:::other/a implicitDeny");
  }

  @Test
  void contextEntriesFeedConditions() {
    put(
        "ip",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
            + "\"Resource\":\"*\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}}]}");
    ContextEntry inside =
        ContextEntry.builder()
            .contextKeyName("aws:SourceIp")
            .contextKeyType(ContextKeyTypeEnum.IP)
            .contextKeyValues("10.1.2.3")
            .build();
    ContextEntry outside = inside.toBuilder().contextKeyValues("192.168.1.1").build();
    assertThat(
            simulate(b -> b.actionNames("s3:GetObject").contextEntries(inside))
                .get(0)
                .evalDecision())
        .isEqualTo(PolicyEvaluationDecisionType.ALLOWED);
    assertThat(
            simulate(b -> b.actionNames("s3:GetObject").contextEntries(outside))
                .get(0)
                .evalDecision())
        .isEqualTo(PolicyEvaluationDecisionType.IMPLICIT_DENY);
  }

  @Test
  void conditionKeysNotSuppliedAreMissingContextValues() {
    put(
        "ip",
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
            + "\"Resource\":\"*\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}}]}");
    EvaluationResult e = simulate(b -> b.actionNames("s3:GetObject")).get(0);
    assertThat(e.evalDecision()).isEqualTo(PolicyEvaluationDecisionType.IMPLICIT_DENY);
    assertThat(e.missingContextValues()).containsExactly("aws:SourceIp");
  }

  @Test
  void theRolesTagsArePrincipalTags() {
    iam.tagRole(b -> b.roleName(name).tags(Tag.builder().key("team").value("blue").build()));
    put("team", IamClients.allow("arn:aws:s3:::${aws:PrincipalTag/team}-bucket/*", "s3:GetObject"));
    assertThat(
            simulate(b -> b.actionNames("s3:GetObject").resourceArns("arn:aws:s3:::blue-bucket/k"))
                .get(0)
                .evalDecision())
        .isEqualTo(PolicyEvaluationDecisionType.ALLOWED);
    assertThat(
            simulate(b -> b.actionNames("s3:GetObject").resourceArns("arn:aws:s3:::red-bucket/k"))
                .get(0)
                .evalDecision())
        .isEqualTo(PolicyEvaluationDecisionType.IMPLICIT_DENY);
  }

  @Test
  void policyInputListIsSimulatedWithTheRolesPolicies() {
    EvaluationResult e =
        simulate(
                b ->
                    b.actionNames("s3:GetObject")
                        .policyInputList(IamClients.allow("*", "s3:GetObject")))
            .get(0);
    assertThat(e.evalDecision()).isEqualTo(PolicyEvaluationDecisionType.ALLOWED);
    assertThat(e.matchedStatements().get(0).sourcePolicyId()).isEqualTo("PolicyInputList.1");
  }

  @Test
  void resultsArePagedWithMaxItemsAndMarker() {
    put("read", S3_POLICY);
    var first =
        iam.simulatePrincipalPolicy(
            b ->
                b.policySourceArn(roleArn(name))
                    .actionNames("s3:GetObject", "s3:ListBucket", "s3:PutObject")
                    .maxItems(2));
    assertThat(first.evaluationResults()).hasSize(2);
    assertThat(first.isTruncated()).isTrue();
    var second =
        iam.simulatePrincipalPolicy(
            b ->
                b.policySourceArn(roleArn(name))
                    .actionNames("s3:GetObject", "s3:ListBucket", "s3:PutObject")
                    .marker(first.marker()));
    assertThat(second.evaluationResults())
        .extracting(EvaluationResult::evalActionName)
        .containsExactly("s3:PutObject");
    assertThat(second.isTruncated()).isFalse();
  }

  @Test
  void anUnknownRoleIsNoSuchEntity() {
    assertThatThrownBy(
            () ->
                iam.simulatePrincipalPolicy(
                    b -> b.policySourceArn(roleArn("ghost")).actionNames("s3:GetObject")))
        .isInstanceOfSatisfying(
            NoSuchEntityException.class,
            e ->
                assertThat(e.awsErrorDetails().errorMessage())
                    .isEqualTo("The role with name ghost cannot be found."));
  }

  @Test
  void aSourceThatIsNotARoleIsInvalidInput() {
    assertThatThrownBy(
            () ->
                iam.simulatePrincipalPolicy(
                    b ->
                        b.policySourceArn("arn:aws:iam::" + ACCOUNT + ":user/someone")
                            .actionNames("s3:GetObject")))
        .isInstanceOfSatisfying(
            IamException.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidInput"));
  }

  @Test
  void noActionNamesIsValidationError() {
    assertThatThrownBy(() -> iam.simulatePrincipalPolicy(b -> b.policySourceArn(roleArn(name))))
        .isInstanceOfSatisfying(
            IamException.class,
            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
  }
}
