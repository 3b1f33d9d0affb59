package io.podidentity.iam;

import io.podidentity.testing.TestServer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/** IamClient / StsClient pointed at a {@link TestServer}, for the IAM and STS tests. */
public final class IamClients {
  public static final String ACCOUNT = TestServer.ACCOUNT;

  /** The EKS Pod Identity trust policy of the EKS User Guide. */
  public static final String POD_TRUST =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"AllowEksAuthToAssumeRoleForPodIdentity\","
          + "\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"pods.eks.amazonaws.com\"},"
          + "\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"]}]}";

  /** A trust policy letting every principal of the account assume the role (and tag sessions). */
  public static final String ACCOUNT_TRUST =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
          + "\"arn:aws:iam::"
          + ACCOUNT
          + ":root\"},\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"]}]}";

  /** The seeds' permission policy: read artifacts. */
  public static final String S3_POLICY =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\","
          + "\"s3:ListBucket\"],\"Resource\":[\"arn:aws:s3:::artifacts\","
          + "\"arn:aws:s3:::artifacts/*\"]}]}";

  private IamClients() {}

  public static IamClient iam(TestServer ts) {
    return iam(ts, ts.adminCredentials());
  }

  public static IamClient iam(TestServer ts, AwsCredentialsProvider creds) {
    return IamClient.builder()
        .endpointOverride(ts.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(creds)
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  public static StsClient sts(TestServer ts) {
    return sts(ts, ts.adminCredentials());
  }

  public static StsClient sts(TestServer ts, AwsCredentialsProvider creds) {
    return StsClient.builder()
        .endpointOverride(ts.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(creds)
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  public static StaticCredentialsProvider session(Credentials c) {
    return session(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
  }

  public static StaticCredentialsProvider session(String id, String secret, String token) {
    return StaticCredentialsProvider.create(AwsSessionCredentials.create(id, secret, token));
  }

  public static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  public static String roleArn(String name) {
    return "arn:aws:iam::" + ACCOUNT + ":role/" + name;
  }

  /** A one-statement identity policy allowing {@code actions} on {@code resource}. */
  public static String allow(String resource, String... actions) {
    StringBuilder a = new StringBuilder();
    for (String x : actions) {
      a.append(a.length() == 0 ? "" : ",").append('"').append(x).append('"');
    }
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":["
        + a
        + "],\"Resource\":\""
        + resource
        + "\"}]}";
  }
}
