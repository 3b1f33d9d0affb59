package io.podidentity.issuer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.podidentity.api.ApiException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * What {@link StsIssuer} puts on the wire and how it maps STS's answers, against {@link FakeSts}
 * (moto accepts but ignores session tags, session policies and MaxSessionDuration, so those are
 * checked on the wire here).
 */
class StsIssuerWireTest {
  static final String ACCOUNT = "111122223333";
  static final String ROLE = "arn:aws:iam::" + ACCOUNT + ":role/my-role";
  static final String TARGET = "arn:aws:iam::444455556666:role/target-role";
  static final String POLICY =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\","
          + "\"Resource\":\"arn:aws:s3:::artifacts\"}]}";

  FakeSts fake;
  StsIssuer issuer;

  @BeforeEach
  void start() {
    fake = new FakeSts();
    issuer = new StsIssuer(config(fake.endpoint()));
  }

  @AfterEach
  void stop() {
    issuer.close();
    fake.close();
  }

  static StsIssuerConfig config(URI endpoint) {
    return StsIssuerConfig.of(endpoint, "us-east-1")
        .withCredentials(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIASERVERIDENTITY00", "server-secret")));
  }

  static Map<String, String> sentTags(FakeSts.Call call) {
    Map<String, String> tags = new TreeMap<>();
    for (int i = 1; call.param("Tags.member." + i + ".Key") != null; i++) {
      tags.put(call.param("Tags.member." + i + ".Key"), call.param("Tags.member." + i + ".Value"));
    }
    return tags;
  }

  static java.util.Set<String> transitiveKeys(FakeSts.Call call) {
    return call.params().entrySet().stream()
        .filter(e -> e.getKey().startsWith("TransitiveTagKeys.member."))
        .map(Map.Entry::getValue)
        .collect(Collectors.toSet());
  }

  static boolean sendsAnyTag(FakeSts.Call call) {
    return call.params().keySet().stream()
        .anyMatch(k -> k.startsWith("Tags") || k.startsWith("TransitiveTagKeys"));
  }

  @Test
  void assumesTheRoleWithTheSessionName() {
    fake.success();
    IssueRequest request = IssueRequests.forRole(ACCOUNT, ROLE);

    issuer.issue(request);

    FakeSts.Call call = fake.calls().getFirst();
    assertThat(call.param("Action")).isEqualTo("AssumeRole");
    assertThat(call.param("RoleArn")).isEqualTo(ROLE);
    assertThat(call.param("RoleSessionName")).isEqualTo(request.sessionName());
    assertThat(call.authorization()).contains("Credential=AKIASERVERIDENTITY00/");
  }

  @Test
  void sendsTheSixSessionTagsAllTransitive() {
    fake.success();

    issuer.issue(IssueRequests.forRole(ACCOUNT, ROLE));

    FakeSts.Call call = fake.calls().getFirst();
    assertThat(sentTags(call)).isEqualTo(new TreeMap<>(IssueRequests.sixTags(ACCOUNT)));
    assertThat(transitiveKeys(call)).isEqualTo(IssueRequests.sixTags(ACCOUNT).keySet());
  }

  @Test
  void sendsNoTagsWhenSessionTagsAreDisabled() {
    fake.success();

    issuer.issue(IssueRequests.withoutTags(IssueRequests.forRole(ACCOUNT, ROLE)));

    assertThat(sendsAnyTag(fake.calls().getFirst())).isFalse();
  }

  @Test
  void asksForTheRequestedSixHours() {
    fake.success();

    issuer.issue(IssueRequests.forRole(ACCOUNT, ROLE));

    assertThat(fake.calls().getFirst().param("DurationSeconds")).isEqualTo("21600");
  }

  @Test
  void retriesOnceWithAnHourWhenTheRoleAllowsLessThanAsked() {
    fake.error(
            400,
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        .success();

    IssuedCredentials c = issuer.issue(IssueRequests.forRole(ACCOUNT, ROLE));

    assertThat(fake.calls())
        .extracting(call -> call.param("DurationSeconds"))
        .containsExactly("21600", "3600");
    assertThat(c.accessKeyId()).isEqualTo("ASIAFAKE2");
  }

  @Test
  void retriesOnceWithAnHourWhenCephRgwRefusesTheDuration() {
    fake.error(400, "InvalidArgument", "").success();

    issuer.issue(IssueRequests.forRole(ACCOUNT, ROLE));

    assertThat(fake.calls())
        .extracting(call -> call.param("DurationSeconds"))
        .containsExactly("21600", "3600");
  }

  @Test
  void asksARoleKnownToAllowLessForAnHourStraightAway() {
    fake.error(
            400,
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        .success();
    issuer.issue(IssueRequests.forRole(ACCOUNT, ROLE));

    issuer.issue(IssueRequests.forRole(ACCOUNT, ROLE));

    assertThat(fake.calls())
        .extracting(call -> call.param("DurationSeconds"))
        .containsExactly("21600", "3600", "3600");
  }

  @Test
  void aSecondRefusalOfTheDurationIsReported() {
    fake.error(400, "InvalidArgument", "");

    ApiException e =
        catchThrowableOfType(
            ApiException.class, () -> issuer.issue(IssueRequests.forRole(ACCOUNT, ROLE)));

    assertThat(e.code()).isEqualTo("InternalServerException");
    assertThat(e.getMessage()).contains("InvalidArgument");
    assertThat(fake.calls()).hasSize(2);
  }

  @Test
  void putsTheAssociationPolicyOnTheRoleSessionWithoutTarget() {
    fake.success();

    issuer.issue(IssueRequests.withPolicy(IssueRequests.forRole(ACCOUNT, ROLE), POLICY));

    assertThat(fake.calls().getFirst().param("Policy")).isEqualTo(POLICY);
  }

  @Test
  void returnsTheSessionAndTheStsRequestId() {
    fake.success();
    IssueRequest request = IssueRequests.forRole(ACCOUNT, ROLE);

    IssuedCredentials c = issuer.issue(request);

    assertThat(c.accessKeyId()).isEqualTo("ASIAFAKE1");
    assertThat(c.secretAccessKey()).isEqualTo("fake-secret-1");
    assertThat(c.sessionToken()).isEqualTo("fake-token-1");
    assertThat(c.assumedRoleArn())
        .isEqualTo("arn:aws:sts::" + ACCOUNT + ":assumed-role/my-role/" + request.sessionName());
    assertThat(c.assumedRoleId()).isEqualTo("AROAFAKE:" + request.sessionName());
    assertThat(c.upstreamRequestId()).contains("fake-request-1");
  }

  @Test
  void passesCephRgwRoleArnsWithoutAccountUnchanged() {
    fake.success();
    String rgwRole = "arn:aws:iam:::role/my-role";

    IssuedCredentials c = issuer.issue(IssueRequests.forRole(ACCOUNT, rgwRole));

    assertThat(fake.calls().getFirst().param("RoleArn")).isEqualTo(rgwRole);
    assertThat(c.assumedRoleArn()).startsWith("arn:aws:sts:::assumed-role/my-role/");
  }

  @Test
  void derivesTheAssumedRoleArnWhenTheStoreLeavesItEmpty() {
    fake.answer(
        new FakeSts.Answer(
            200,
            """
            <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleResult>
                <AssumedRoleUser><Arn></Arn><AssumeRoleId></AssumeRoleId></AssumedRoleUser>
                <Credentials><AccessKeyId>MINIOKEY</AccessKeyId><SecretAccessKey>s</SecretAccessKey>
                  <SessionToken>t</SessionToken><Expiration>2031-01-01T00:00:00Z</Expiration>
                </Credentials>
              </AssumeRoleResult>
              <ResponseMetadata><RequestId>REQUEST_ID</RequestId></ResponseMetadata>
            </AssumeRoleResponse>""",
            Duration.ZERO));
    IssueRequest request = IssueRequests.forRole(ACCOUNT, ROLE);

    IssuedCredentials c = issuer.issue(request);

    assertThat(c.assumedRoleArn())
        .isEqualTo("arn:aws:sts::" + ACCOUNT + ":assumed-role/my-role/" + request.sessionName());
    assertThat(c.assumedRoleId()).isEqualTo("my-role:" + request.sessionName());
  }

  @Test
  void theFirstSessionOfAChainIsShortTaggedAndWithoutPolicy() {
    fake.success();

    issuer.issue(
        IssueRequests.withPolicy(
            IssueRequests.withTarget(IssueRequests.forRole(ACCOUNT, ROLE), TARGET, "ext-id"),
            POLICY));

    FakeSts.Call first = fake.calls().getFirst();
    assertThat(first.param("RoleArn")).isEqualTo(ROLE);
    assertThat(first.param("DurationSeconds")).isEqualTo("900");
    assertThat(first.param("Policy")).isNull();
    assertThat(first.param("ExternalId")).isNull();
    assertThat(sentTags(first)).hasSize(6);
    assertThat(transitiveKeys(first)).hasSize(6);
  }

  @Test
  void theTargetRoleIsAssumedWithTheFirstSessionsCredentials() {
    fake.success();

    issuer.issue(IssueRequests.withTarget(IssueRequests.forRole(ACCOUNT, ROLE), TARGET, "ext-id"));

    FakeSts.Call second = fake.calls().get(1);
    assertThat(second.param("RoleArn")).isEqualTo(TARGET);
    assertThat(second.authorization()).contains("Credential=ASIAFAKE1/");
    assertThat(second.securityToken()).isEqualTo("fake-token-1");
  }

  @Test
  void theTargetCallCarriesExternalIdPolicyAndAtMostAnHourButNoTags() {
    fake.success();
    IssueRequest request =
        IssueRequests.withPolicy(
            IssueRequests.withTarget(
                IssueRequests.forRole(ACCOUNT, ROLE), TARGET, IssueRequests.externalId(ACCOUNT)),
            POLICY);

    IssuedCredentials c = issuer.issue(request);

    FakeSts.Call second = fake.calls().get(1);
    assertThat(second.param("ExternalId")).isEqualTo(IssueRequests.externalId(ACCOUNT));
    assertThat(second.param("Policy")).isEqualTo(POLICY);
    assertThat(second.param("DurationSeconds")).isEqualTo("3600");
    assertThat(second.param("RoleSessionName")).isEqualTo(request.sessionName());
    // STS passes the first session's transitive tags on itself and refuses them sent again.
    assertThat(sendsAnyTag(second)).isFalse();
    assertThat(c.assumedRoleArn()).contains(":assumed-role/target-role/");
    assertThat(c.upstreamRequestId()).contains("fake-request-2");
  }

  @Test
  void throttlingIsThrottlingExceptionAfterTheRetryBudget() {
    fake.error(400, "Throttling", "Rate exceeded");

    ApiException e =
        catchThrowableOfType(
            ApiException.class, () -> issuer.issue(IssueRequests.forRole(ACCOUNT, ROLE)));

    assertThat(e.code()).isEqualTo("ThrottlingException");
    assertThat(e.status()).isEqualTo(429);
    assertThat(fake.calls()).hasSize(StsIssuerConfig.DEFAULT_MAX_ATTEMPTS);
  }

  @Test
  void anHttp429IsThrottlingException() {
    fake.error(429, "SlowDown", "Please slow down");

    ApiException e =
        catchThrowableOfType(
            ApiException.class, () -> issuer.issue(IssueRequests.forRole(ACCOUNT, ROLE)));

    assertThat(e.code()).isEqualTo("ThrottlingException");
    assertThat(e.status()).isEqualTo(429);
  }

  @Test
  void aServerErrorIsServiceUnavailableAfterTheRetryBudget() {
    fake.error(500, "InternalFailure", "oops");

    ApiException e =
        catchThrowableOfType(
            ApiException.class, () -> issuer.issue(IssueRequests.forRole(ACCOUNT, ROLE)));

    assertThat(e.code()).isEqualTo("ServiceUnavailableException");
    assertThat(e.status()).isEqualTo(503);
    assertThat(fake.calls()).hasSize(StsIssuerConfig.DEFAULT_MAX_ATTEMPTS);
  }

  @Test
  void aServerErrorFollowedBySuccessIsRetried() {
    fake.error(503, "ServiceUnavailable", "busy").success();

    IssuedCredentials c = issuer.issue(IssueRequests.forRole(ACCOUNT, ROLE));

    assertThat(c.accessKeyId()).isEqualTo("ASIAFAKE2");
  }

  @Test
  void packedPolicyTooLargeSaysToDisableSessionTags() {
    fake.error(
        400,
        "PackedPolicyTooLarge",
        "Packed size of consumed session tags and policies exceeds the limit");

    ApiException e =
        catchThrowableOfType(
            ApiException.class, () -> issuer.issue(IssueRequests.forRole(ACCOUNT, ROLE)));

    assertThat(e.code()).isEqualTo("InvalidParameterException");
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).contains("disableSessionTags");
  }

  @Test
  void aMalformedSessionPolicyIsInvalidParameterException() {
    fake.error(400, "MalformedPolicyDocument", "Syntax errors in policy.");

    ApiException e =
        catchThrowableOfType(
            ApiException.class,
            () ->
                issuer.issue(IssueRequests.withPolicy(IssueRequests.forRole(ACCOUNT, ROLE), "{")));

    assertThat(e.code()).isEqualTo("InvalidParameterException");
    assertThat(e.status()).isEqualTo(400);
  }

  @Test
  void accessDeniedIsAccessDeniedException400() {
    fake.error(403, "AccessDenied", "User: x is not authorized to perform: sts:AssumeRole");

    ApiException e =
        catchThrowableOfType(
            ApiException.class, () -> issuer.issue(IssueRequests.forRole(ACCOUNT, ROLE)));

    assertThat(e.code()).isEqualTo("AccessDeniedException");
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage())
        .startsWith(
            "Unauthorized Exception! EKS does not have permissions to assume the associated role.");
    assertThat(fake.calls()).hasSize(1);
  }

  @Test
  void anyOtherErrorIsInternalServerException() {
    fake.error(403, "RegionDisabledException", "STS is not activated in this region");

    ApiException e =
        catchThrowableOfType(
            ApiException.class, () -> issuer.issue(IssueRequests.forRole(ACCOUNT, ROLE)));

    assertThat(e.code()).isEqualTo("InternalServerException");
    assertThat(e.status()).isEqualTo(500);
  }

  @Test
  void aFailureKeepsTheStsRequestIdForTheAudit() {
    fake.error(403, "AccessDenied", "denied");

    ApiException e =
        catchThrowableOfType(
            ApiException.class, () -> issuer.issue(IssueRequests.forRole(ACCOUNT, ROLE)));

    UpstreamFailure upstream = UpstreamFailure.of(e).orElseThrow();
    assertThat(upstream.upstreamRequestId()).contains("fake-request-1");
    assertThat(upstream.upstreamCode()).isEqualTo("AccessDenied");
    assertThat(upstream.upstreamStatus()).isEqualTo(403);
    assertThat(e.getMessage()).contains("fake-request-1");
  }

  @Test
  void noMessageCarriesAnySecret() {
    fake.error(403, "AccessDenied", "denied");

    ApiException e =
        catchThrowableOfType(
            ApiException.class, () -> issuer.issue(IssueRequests.forRole(ACCOUNT, ROLE)));

    assertThat(e.getMessage()).doesNotContain("server-secret");
    assertThat(e.getCause().getMessage()).doesNotContain("server-secret");
    assertThat(issuer.toString()).doesNotContain("server-secret").doesNotContain("AKIASERVER");
  }

  @Test
  void aClosedPortIsServiceUnavailableWithinTheBudget() {
    URI closed = URI.create("http://127.0.0.1:" + MotoServer.freePort());
    try (StsIssuer unreachable = new StsIssuer(config(closed))) {
      long start = System.nanoTime();
      ApiException e =
          catchThrowableOfType(
              ApiException.class, () -> unreachable.issue(IssueRequests.forRole(ACCOUNT, ROLE)));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(e.code()).isEqualTo("ServiceUnavailableException");
      assertThat(e.status()).isEqualTo(503);
      assertThat(took).isLessThan(StsIssuerConfig.DEFAULT_CALL_TIMEOUT);
      System.out.println("closed port mapped to 503 in " + took.toMillis() + " ms");
    }
  }

  @Test
  void aSlowEndpointIsServiceUnavailableWithinTheBudget() {
    fake.slow(Duration.ofSeconds(10));

    long start = System.nanoTime();
    ApiException e =
        catchThrowableOfType(
            ApiException.class, () -> issuer.issue(IssueRequests.forRole(ACCOUNT, ROLE)));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(e.code()).isEqualTo("ServiceUnavailableException");
    assertThat(e.status()).isEqualTo(503);
    assertThat(e.getMessage()).contains("within 2000 ms");
    // The budget plus scheduling slack on a shared 2-core machine, far below the 10 s sleep.
    assertThat(took).isLessThan(StsIssuerConfig.DEFAULT_CALL_TIMEOUT.plusMillis(750));
    System.out.println("slow endpoint mapped to 503 in " + took.toMillis() + " ms");
  }

  @Test
  void aChainWhoseFirstCallUsedTheBudgetIsServiceUnavailable() {
    fake.slow(Duration.ofMillis(1500)).slow(Duration.ofSeconds(10));

    ApiException e =
        catchThrowableOfType(
            ApiException.class,
            () ->
                issuer.issue(
                    IssueRequests.withTarget(
                        IssueRequests.forRole(ACCOUNT, ROLE), TARGET, "ext-id")));

    assertThat(e.code()).isEqualTo("ServiceUnavailableException");
    assertThat(fake.calls()).hasSize(2);
  }
}
