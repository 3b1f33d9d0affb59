package io.podidentity.issuer;

import static io.podidentity.issuer.MotoServer.ACCOUNT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.podidentity.api.ApiException;
import io.podidentity.issuer.internal.StsErrors;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * {@link StsIssuer} against a real moto_server that enforces IAM (see {@link MotoServer}): the
 * seeds' walkthrough (issue 7) with moto as STS and S3.
 *
 * <p>What moto 5.2 enforces, read from moto/iam/access_control.py and checked here: every signed
 * request's signature; the caller's identity policies (users: inline and attached; assumed roles:
 * the role's inline and attached policies) for each action on its resource; for sts:AssumeRole of
 * an existing role, the role's trust policy, where only {@code Principal.AWS} ARNs (exact) and
 * {@code "*"} are understood (a {@code Service} principal makes moto fail with a 500, hence the
 * seeds' trust policy adapted to name the issuer user) and only {@code StringEquals} on {@code
 * sts:ExternalId} among conditions. It does not check sts:TagSession, does not keep session tags or
 * apply session policies, does not check DurationSeconds against MaxSessionDuration, and lets a
 * caller allowed sts:AssumeRole on a non-existent role assume it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StsIssuerMotoTest {
  static final String ROLE_ARN = "arn:aws:iam::" + ACCOUNT + ":role/my-role";
  static final String LOCKED_ROLE_ARN = "arn:aws:iam::" + ACCOUNT + ":role/locked-role";
  static final String CHAIN_ROLE_ARN = "arn:aws:iam::" + ACCOUNT + ":role/chain-role";
  static final String TARGET_ROLE_ARN = "arn:aws:iam::" + ACCOUNT + ":role/target-role";
  static final String ISSUER_USER_ARN = "arn:aws:iam::" + ACCOUNT + ":user/podidentity-server";

  /** The seeds' permission policy, verbatim. */
  static final String SEEDS_POLICY =
      """
      {"Version":"2012-10-17","Statement":[{"Effect":"Allow",
       "Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::artifacts"}]}""";

  static final String WITHOUT_LIST_BUCKET =
      """
      {"Version":"2012-10-17","Statement":[{"Effect":"Allow",
       "Action":["s3:GetObject"],"Resource":"arn:aws:s3:::artifacts"}]}""";

  /**
   * The seeds' trust policy with the issuer's identity in place of the service principal {@code
   * pods.eks.amazonaws.com}: with --issuer sts it is the server's identity that calls AssumeRole.
   */
  static final String TRUST_ISSUER =
      """
      {"Version":"2012-10-17","Statement":[{"Effect":"Allow",
       "Principal":{"AWS":"%s"},"Action":["sts:AssumeRole","sts:TagSession"]}]}"""
          .formatted(ISSUER_USER_ARN);

  /** The unauthenticated actions moto serves before enforcing IAM: the admin's bootstrap. */
  static final int BOOTSTRAP_ACTIONS = 3;

  MotoServer moto;
  AwsCredentialsProvider admin;
  AwsCredentialsProvider issuerIdentity;
  IamClient iam;
  StsIssuer issuer;

  @BeforeAll
  void startMotoAndSeed() {
    moto = MotoServer.start(BOOTSTRAP_ACTIONS);
    // The only unauthenticated actions: an admin with every permission and its key.
    try (IamClient boot =
        iam(StaticCredentialsProvider.create(AwsBasicCredentials.create("boot", "boot")))) {
      boot.createUser(b -> b.userName("admin"));
      boot.putUserPolicy(
          b ->
              b.userName("admin")
                  .policyName("all")
                  .policyDocument(
                      """
                      {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"""));
      admin = provider(boot.createAccessKey(b -> b.userName("admin")).accessKey());
    }
    iam = iam(admin);

    // The server's own identity: allowed sts:AssumeRole + sts:TagSession on the roles, nothing
    // else.
    iam.createUser(b -> b.userName("podidentity-server"));
    iam.putUserPolicy(
        b ->
            b.userName("podidentity-server")
                .policyName("assume-roles")
                .policyDocument(
                    """
                    {"Version":"2012-10-17","Statement":[{"Effect":"Allow",
                     "Action":["sts:AssumeRole","sts:TagSession"],"Resource":"arn:aws:iam::%s:role/*"}]}"""
                        .formatted(ACCOUNT)));
    issuerIdentity =
        provider(iam.createAccessKey(b -> b.userName("podidentity-server")).accessKey());

    role("my-role", TRUST_ISSUER, SEEDS_POLICY);
    role(
        "locked-role",
        """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow",
         "Principal":{"AWS":"arn:aws:iam::%s:user/someone-else"},"Action":["sts:AssumeRole","sts:TagSession"]}]}"""
            .formatted(ACCOUNT),
        SEEDS_POLICY);
    // targetRoleArn: the association role may assume the target; the target trusts whoever
    // brings the association's ExternalId.
    role(
        "chain-role",
        TRUST_ISSUER,
        """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow",
         "Action":["sts:AssumeRole","sts:TagSession"],"Resource":"%s"}]}"""
            .formatted(TARGET_ROLE_ARN));
    role(
        "target-role",
        """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},
         "Action":["sts:AssumeRole","sts:TagSession"],
         "Condition":{"StringEquals":{"sts:ExternalId":"%s"}}}]}"""
            .formatted(IssueRequests.externalId(ACCOUNT)),
        SEEDS_POLICY);

    try (S3Client s3 = s3(admin)) {
      s3.createBucket(b -> b.bucket("artifacts"));
      s3.putObject(b -> b.bucket("artifacts").key("hello.txt"), RequestBody.fromString("hello"));
    }

    issuer =
        new StsIssuer(
            StsIssuerConfig.of(moto.endpoint(), IssueRequests.REGION)
                .withCredentials(issuerIdentity));
  }

  @AfterAll
  void stop() {
    if (issuer != null) {
      issuer.close();
    }
    if (iam != null) {
      iam.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  @Test
  void issuedCredentialsListTheBucket() {
    IssuedCredentials c = issuer.issue(IssueRequests.forRole(ACCOUNT, ROLE_ARN));

    try (S3Client s3 = s3(session(c))) {
      assertThat(s3.listObjectsV2(b -> b.bucket("artifacts")).contents())
          .extracting(S3Object::key)
          .containsExactly("hello.txt");
    }
  }

  @Test
  void issuedCredentialsCannotWrite() {
    IssuedCredentials c = issuer.issue(IssueRequests.forRole(ACCOUNT, ROLE_ARN));

    try (S3Client s3 = s3(session(c))) {
      S3Exception e =
          catchThrowableOfType(
              S3Exception.class,
              () ->
                  s3.putObject(
                      b -> b.bucket("artifacts").key("written-by-pod.txt"),
                      RequestBody.fromString("no")));
      assertThat(e.statusCode()).isEqualTo(403);
      assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
    }
  }

  @Test
  void aNewSessionCannotListOnceListBucketIsRemovedFromTheRolePolicy() {
    iam.putRolePolicy(
        b -> b.roleName("my-role").policyName("s3").policyDocument(WITHOUT_LIST_BUCKET));
    try {
      IssuedCredentials c = issuer.issue(IssueRequests.forRole(ACCOUNT, ROLE_ARN));
      try (S3Client s3 = s3(session(c))) {
        S3Exception e =
            catchThrowableOfType(
                S3Exception.class, () -> s3.listObjectsV2(b -> b.bucket("artifacts")));
        assertThat(e.statusCode()).isEqualTo(403);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
      }
    } finally {
      iam.putRolePolicy(b -> b.roleName("my-role").policyName("s3").policyDocument(SEEDS_POLICY));
    }
  }

  @Test
  void theSessionIsTheAssumedRoleWithTheRequestedSessionName() {
    IssueRequest request = IssueRequests.forRole(ACCOUNT, ROLE_ARN);
    IssuedCredentials c = issuer.issue(request);

    assertThat(c.assumedRoleArn())
        .isEqualTo("arn:aws:sts::" + ACCOUNT + ":assumed-role/my-role/" + request.sessionName());
    assertThat(c.assumedRoleId()).endsWith(":" + request.sessionName());
    assertThat(c.expiration()).isAfter(Instant.now().plus(Duration.ofHours(5)));
    assertThat(c.upstreamRequestId()).isPresent();
    try (StsClient sts = sts(session(c))) {
      GetCallerIdentityResponse me = sts.getCallerIdentity();
      assertThat(me.arn()).isEqualTo(c.assumedRoleArn());
      assertThat(me.account()).isEqualTo(ACCOUNT);
    }
  }

  @Test
  void theTargetRoleIsAssumedWithTheRoleSessionAndTheExternalId() {
    IssueRequest request =
        IssueRequests.withTarget(
            IssueRequests.forRole(ACCOUNT, CHAIN_ROLE_ARN),
            TARGET_ROLE_ARN,
            IssueRequests.externalId(ACCOUNT));
    IssuedCredentials c = issuer.issue(request);

    assertThat(c.assumedRoleArn())
        .isEqualTo(
            "arn:aws:sts::" + ACCOUNT + ":assumed-role/target-role/" + request.sessionName());
    assertThat(c.expiration()).isBefore(Instant.now().plus(Duration.ofMinutes(61)));
    try (S3Client s3 = s3(session(c))) {
      assertThat(s3.listObjectsV2(b -> b.bucket("artifacts")).contents())
          .extracting(S3Object::key)
          .containsExactly("hello.txt");
    }
  }

  @Test
  void aWrongExternalIdIsAccessDeniedException() {
    IssueRequest request =
        IssueRequests.withTarget(
            IssueRequests.forRole(ACCOUNT, CHAIN_ROLE_ARN), TARGET_ROLE_ARN, "not-the-external-id");

    ApiException e = catchThrowableOfType(ApiException.class, () -> issuer.issue(request));

    assertThat(e.code()).isEqualTo("AccessDeniedException");
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).contains(TARGET_ROLE_ARN);
  }

  @Test
  void aRoleThatDoesNotTrustTheServerIsAccessDeniedException() {
    ApiException e =
        catchThrowableOfType(
            ApiException.class,
            () -> issuer.issue(IssueRequests.forRole(ACCOUNT, LOCKED_ROLE_ARN)));

    assertThat(e.code()).isEqualTo("AccessDeniedException");
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage())
        .startsWith(StsErrors.ACCESS_DENIED_MESSAGE)
        .contains(LOCKED_ROLE_ARN)
        .contains("sts:TagSession");
    UpstreamFailure upstream = UpstreamFailure.of(e).orElseThrow();
    assertThat(upstream.upstreamCode()).isEqualTo("AccessDenied");
    assertThat(upstream.upstreamStatus()).isEqualTo(403);
    assertThat(upstream.upstreamRequestId()).isPresent();
    assertThat(e.getMessage()).contains(upstream.upstreamRequestId().orElseThrow());
  }

  @Test
  void aServerIdentityWithoutAssumeRolePermissionIsAccessDeniedException() {
    iam.createUser(b -> b.userName("no-rights"));
    AwsCredentialsProvider noRights =
        provider(iam.createAccessKey(b -> b.userName("no-rights")).accessKey());
    try (StsIssuer powerless =
        new StsIssuer(
            StsIssuerConfig.of(moto.endpoint(), IssueRequests.REGION).withCredentials(noRights))) {
      ApiException e =
          catchThrowableOfType(
              ApiException.class, () -> powerless.issue(IssueRequests.forRole(ACCOUNT, ROLE_ARN)));

      assertThat(e.code()).isEqualTo("AccessDeniedException");
      assertThat(e.status()).isEqualTo(400);
    }
  }

  @Test
  void withoutGivenCredentialsTheServerUsesTheDefaultAwsChain() {
    AccessKey key = iam.createAccessKey(b -> b.userName("podidentity-server")).accessKey();
    // System properties are the default chain's first source; restored after the call.
    String oldId = System.getProperty("aws.accessKeyId");
    String oldSecret = System.getProperty("aws.secretAccessKey");
    System.setProperty("aws.accessKeyId", key.accessKeyId());
    System.setProperty("aws.secretAccessKey", key.secretAccessKey());
    try (StsIssuer fromChain =
        new StsIssuer(StsIssuerConfig.of(moto.endpoint(), IssueRequests.REGION))) {
      IssuedCredentials c = fromChain.issue(IssueRequests.forRole(ACCOUNT, ROLE_ARN));

      assertThat(c.assumedRoleArn()).contains(":assumed-role/my-role/");
    } finally {
      restore("aws.accessKeyId", oldId);
      restore("aws.secretAccessKey", oldSecret);
    }
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }

  @Test
  void unknownServerCredentialsAreAnInternalServerException() {
    try (StsIssuer stranger =
        new StsIssuer(
            StsIssuerConfig.of(moto.endpoint(), IssueRequests.REGION)
                .withCredentials(
                    StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIAUNKNOWN000000000", "nope"))))) {
      ApiException e =
          catchThrowableOfType(
              ApiException.class, () -> stranger.issue(IssueRequests.forRole(ACCOUNT, ROLE_ARN)));

      assertThat(e.code()).isEqualTo("InternalServerException");
      assertThat(e.status()).isEqualTo(500);
      assertThat(e.getMessage()).contains("InvalidClientTokenId").doesNotContain("nope");
    }
  }

  private void role(String name, String trust, String permissions) {
    iam.createRole(b -> b.roleName(name).assumeRolePolicyDocument(trust));
    iam.putRolePolicy(b -> b.roleName(name).policyName("s3").policyDocument(permissions));
  }

  private static AwsCredentialsProvider provider(AccessKey key) {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey()));
  }

  private static AwsCredentialsProvider session(IssuedCredentials c) {
    return StaticCredentialsProvider.create(
        AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
  }

  private IamClient iam(AwsCredentialsProvider credentials) {
    return IamClient.builder()
        .endpointOverride(moto.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  private S3Client s3(AwsCredentialsProvider credentials) {
    URI endpoint = moto.endpoint();
    return S3Client.builder()
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  private StsClient sts(AwsCredentialsProvider credentials) {
    return StsClient.builder()
        .endpointOverride(moto.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }
}
