package io.podidentity.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podidentity.api.ApiException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The public surface beyond the table: positions, limits, derived keys, argument checks. */
class PolicyApiTest {
  private static final String SEEDS_POLICY =
      """
      {
        "Version": "2012-10-17",
        "Statement": [
          {
            "Sid": "List",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": "arn:aws:s3:::artifacts"
          },
          {"Sid": "Get", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::artifacts/*"}
        ]
      }
      """;

  private static RequestContext pod(String action, String resource) {
    return RequestContext.builder()
        .principal(PrincipalType.ASSUMED_ROLE, "arn:aws:sts::111122223333:assumed-role/my-role/s")
        .roleArn("arn:aws:iam::111122223333:role/my-role")
        .action(action)
        .resource(resource)
        .build();
  }

  @Test
  void matchedStatementsCarryPolicyNameIndexAndBracePositions() {
    PolicyDocument doc = PolicyDocument.parse(SEEDS_POLICY, PolicyKind.IDENTITY);

    EvaluationResult list =
        PolicyEvaluator.evaluate(
            List.of(new NamedPolicy("s3-read", doc)),
            List.of(),
            pod("s3:ListBucket", "arn:aws:s3:::artifacts"));
    EvaluationResult get =
        PolicyEvaluator.evaluate(
            List.of(new NamedPolicy("s3-read", doc)),
            null,
            pod("s3:GetObject", "arn:aws:s3:::artifacts/a"));

    assertThat(list.matchedStatements())
        .containsExactly(
            new MatchedStatement(
                "s3-read",
                MatchedStatement.Origin.IDENTITY,
                "List",
                0,
                Effect.ALLOW,
                new MatchedStatement.Position(4, 5),
                new MatchedStatement.Position(9, 5)));
    MatchedStatement g = get.matchedStatements().get(0);
    assertThat(g.index()).isEqualTo(1);
    assertThat(g.start()).isEqualTo(new MatchedStatement.Position(10, 5));
    assertThat(g.end().line()).isEqualTo(10);
    assertThat(SEEDS_POLICY.lines().toList().get(9).charAt(g.end().column() - 1)).isEqualTo('}');
  }

  @Test
  void trustMatchesAreReportedAsTrustPolicy() {
    PolicyDocument trust =
        PolicyDocument.parse(
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
                + "\"Principal\":{\"Service\":\"pods.eks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}}",
            PolicyKind.TRUST);
    RequestContext ctx =
        RequestContext.builder()
            .principal(PrincipalType.SERVICE, "pods.eks.amazonaws.com")
            .action("sts:AssumeRole")
            .build();

    EvaluationResult r = PolicyEvaluator.evaluateTrust(trust, ctx);

    assertThat(r.allowed()).isTrue();
    assertThat(r.matchedStatements().get(0).policyName()).isEqualTo("TrustPolicy");
    assertThat(r.matchedStatements().get(0).origin()).isEqualTo(MatchedStatement.Origin.TRUST);
    assertThat(r.matchedStatements().get(0).sid()).isNull();
  }

  @Test
  void countedSizeIgnoresWhiteSpaceAsIamDoes() {
    assertThat(PolicyLimits.countedSize("{ \"a\" :\n\t\"b c\" }")).isEqualTo(10);
    assertThat(PolicyLimits.countedSize(SEEDS_POLICY))
        .isEqualTo(SEEDS_POLICY.replaceAll("\\s", "").length());
  }

  @Test
  void quotasAreAwsDefaults() {
    assertThat(PolicyLimits.TRUST_POLICY_MAX_CHARS).isEqualTo(2048);
    assertThat(PolicyLimits.ROLE_INLINE_POLICIES_MAX_CHARS).isEqualTo(10240);
    assertThat(PolicyLimits.trustPolicyWithinLimit("x".repeat(2048) + "   ")).isTrue();
    assertThat(PolicyLimits.trustPolicyWithinLimit("x".repeat(2049))).isFalse();
    assertThat(
            PolicyLimits.roleInlinePoliciesWithinLimit(List.of("x".repeat(5120), "y".repeat(5121))))
        .isFalse();
  }

  @Test
  void onlyTheCharactersIamAllowsPassTheCharacterCheck() {
    assertThat(PolicyLimits.usesOnlyAllowedCharacters("{\"a\":\"Zoë\"}\r\n\t")).isTrue();
    assertThat(PolicyLimits.usesOnlyAllowedCharacters("{\"a\":\"中\"}")).isFalse();
    assertThat(PolicyLimits.usesOnlyAllowedCharacters("\u0000")).isFalse();
  }

  @Test
  void textLongerThanTheParseCapIsRejectedWithoutParsing() {
    String huge = " ".repeat(PolicyLimits.MAX_PARSE_CHARS + 1);
    assertThatThrownBy(() -> PolicyDocument.parse(huge, PolicyKind.IDENTITY))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo("MalformedPolicyDocument"));
  }

  @Test
  void documentKeepsItsSourceAndDefaultsTheVersion() {
    String text = "{\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}}";
    PolicyDocument doc = PolicyDocument.parse(text, PolicyKind.IDENTITY);
    assertThat(doc.source()).isEqualTo(text);
    assertThat(doc.version()).isEqualTo("2008-10-17");
    assertThat(doc.statementCount()).isEqualTo(1);
    assertThat(doc).isEqualTo(PolicyDocument.parse(text, PolicyKind.IDENTITY));
  }

  @Test
  void contextKeysListConditionKeysAndVariablesOnce() {
    PolicyDocument doc =
        PolicyDocument.parse(
            "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\","
                + "\"Resource\":\"arn:aws:s3:::b/${aws:PrincipalTag/team}/*\",\"Condition\":{"
                + "\"StringEquals\":{\"aws:SourceAccount\":\"${aws:PrincipalAccount}\"},"
                + "\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"},"
                + "\"Bool\":{\"AWS:SOURCEIP\":\"true\"}}}}",
            PolicyKind.IDENTITY);
    assertThat(doc.contextKeys())
        .containsExactly(
            "aws:PrincipalAccount", "aws:PrincipalTag/team", "aws:SourceAccount", "aws:SourceIp");
  }

  @Test
  void derivedKeysComeFromThePrincipal() {
    RequestContext session = pod("s3:GetObject", "*");
    RequestContext user =
        RequestContext.builder()
            .principal(PrincipalType.USER, "arn:aws:iam::111122223333:user/team/alice")
            .action("s3:GetObject")
            .principalTag("Team", "web")
            .requestTime(Instant.parse("2026-11-23T12:00:00Z"))
            .build();

    assertThat(session.values("aws:PrincipalArn"))
        .contains(List.of("arn:aws:iam::111122223333:role/my-role"));
    assertThat(session.values("AWS:PRINCIPALACCOUNT")).contains(List.of("111122223333"));
    assertThat(session.values("aws:PrincipalType")).contains(List.of("AssumedRole"));
    assertThat(session.values("aws:username")).isEmpty();
    assertThat(user.values("aws:username")).contains(List.of("alice"));
    assertThat(user.values("aws:principaltag/team")).contains(List.of("web"));
    assertThat(user.values("aws:EpochTime")).contains(List.of("1795435200"));
  }

  @Test
  void explicitKeysOverrideDerivedOnes() {
    RequestContext ctx =
        RequestContext.builder()
            .principal(PrincipalType.USER, "arn:aws:iam::111122223333:user/alice")
            .action("s3:GetObject")
            .key("aws:username", "someone-else")
            .build();
    assertThat(ctx.values("aws:username")).contains(List.of("someone-else"));
  }

  @Test
  void identityEvaluationRejectsATrustPolicy() {
    PolicyDocument trust =
        PolicyDocument.parse(
            "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sts:AssumeRole\"}}",
            PolicyKind.TRUST);
    assertThatThrownBy(
            () ->
                PolicyEvaluator.evaluate(
                    List.of(new NamedPolicy("t", trust)), List.of(), pod("s3:GetObject", "*")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
