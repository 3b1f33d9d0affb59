package io.podidentity.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podidentity.issuer.MotoServer;
import io.podidentity.server.ServerConfig;
import io.podidentity.token.LocalSigningKey;
import io.podidentity.token.MintRequest;
import io.podidentity.token.TokenMinter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The seeds' test with the Java SDK: a pod's S3 client whose only credentials source is the
 * container credentials provider lists the bucket through podidentity (up --issuer sts, moto as STS
 * and S3) and is refused a write.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PodS3AccessTest {
  MotoServer moto;
  UpCommand.Embedded up;
  Path tokenFile;

  @BeforeAll
  void start() throws Exception {
    moto = MotoServer.start(3);
    AccessKey admin;
    try (IamClient boot = iam(creds("boot", "boot"))) {
      boot.createUser(b -> b.userName("admin"));
      boot.putUserPolicy(
          b ->
              b.userName("admin")
                  .policyName("all")
                  .policyDocument(
                      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"));
      admin = boot.createAccessKey(b -> b.userName("admin")).accessKey();
    }
    AwsCredentialsProvider adminCreds = creds(admin.accessKeyId(), admin.secretAccessKey());
    AccessKey server;
    try (IamClient iam = iam(adminCreds);
        S3Client s3 = s3(adminCreds)) {
      iam.createUser(b -> b.userName("podidentity-server"));
      iam.putUserPolicy(
          b ->
              b.userName("podidentity-server")
                  .policyName("assume")
                  .policyDocument(
                      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"],\"Resource\":\"*\"}]}"));
      server = iam.createAccessKey(b -> b.userName("podidentity-server")).accessKey();
      iam.createRole(
          b ->
              b.roleName("my-role")
                  .assumeRolePolicyDocument(
                      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:user/podidentity-server\"},\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"]}]}"));
      iam.putRolePolicy(
          b ->
              b.roleName("my-role")
                  .policyName("artifacts")
                  .policyDocument(
                      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:ListBucket\"],\"Resource\":\"arn:aws:s3:::artifacts\"}]}"));
      s3.createBucket(b -> b.bucket("artifacts"));
      s3.putObject(b -> b.bucket("artifacts").key("hello.txt"), RequestBody.fromString("hello"));
    }
    // The server's own identity comes from the default chain; system properties are its first link.
    System.setProperty("aws.accessKeyId", server.accessKeyId());
    System.setProperty("aws.secretAccessKey", server.secretAccessKey());
    Path data = Files.createTempDirectory("pod-s3");
    up =
        UpCommand.Embedded.start(
            new ServerConfig(
                data,
                "127.0.0.1",
                0,
                MotoServer.ACCOUNT,
                "us-east-1",
                ServerConfig.Issuer.STS,
                Optional.of(moto.endpoint()),
                Optional.empty()),
            "local",
            0,
            0);
    up.server
        .associations()
        .create(
            "local",
            new io.podidentity.association.AssociationService.CreateRequest(
                "default",
                "my-service-account",
                "arn:aws:iam::123456789012:role/my-role",
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()));
    String token =
        new TokenMinter(
                LocalSigningKey.loadOrCreate(data),
                LocalCluster.issuerFor("local"),
                Clock.systemUTC())
            .mint(MintRequest.of("default", "my-service-account"));
    tokenFile = data.resolve("eks-pod-identity-token");
    Files.writeString(tokenFile, token);
    // What the webhook injects, as the Java SDK reads it (system properties mirror the env vars).
    System.setProperty("aws.containerCredentialsFullUri", up.agentUri().toString());
    System.setProperty("aws.containerAuthorizationTokenFile", tokenFile.toString());
  }

  @AfterAll
  void stop() {
    for (String p :
        new String[] {
          "aws.accessKeyId",
          "aws.secretAccessKey",
          "aws.containerCredentialsFullUri",
          "aws.containerAuthorizationTokenFile"
        }) {
      System.clearProperty(p);
    }
    if (up != null) {
      up.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  S3Client podS3() {
    return s3(ContainerCredentialsProvider.builder().build());
  }

  @Test
  void thePodListsTheBucketWithContainerCredentials() {
    try (S3Client s3 = podS3()) {
      assertThat(s3.listObjectsV2(b -> b.bucket("artifacts")).contents())
          .extracting(o -> o.key())
          .containsExactly("hello.txt");
    }
  }

  @Test
  void thePodMayNotWrite() {
    try (S3Client s3 = podS3()) {
      assertThatThrownBy(
              () -> s3.putObject(b -> b.bucket("artifacts").key("x"), RequestBody.fromString("x")))
          .isInstanceOf(S3Exception.class)
          .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(403));
    }
  }

  static AwsCredentialsProvider creds(String id, String secret) {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret));
  }

  IamClient iam(AwsCredentialsProvider c) {
    return IamClient.builder()
        .endpointOverride(moto.endpoint())
        .region(Region.AWS_GLOBAL)
        .credentialsProvider(c)
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  S3Client s3(AwsCredentialsProvider c) {
    return S3Client.builder()
        .endpointOverride(moto.endpoint())
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(c)
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }
}
