package io.podidentity.eksauth;

import io.podidentity.server.PodIdentityServer;
import io.podidentity.testing.TestServer;
import java.net.URI;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eksauth.EksAuthClient;

/** Helpers of the EKS Auth tests: SDK clients and the raw audit table. */
final class EksAuthClients {
  /** The errors of token verification and the association lookup (before any issuer). */
  static final List<String> TOKEN_OR_LOOKUP_ERRORS =
      List.of(
          "InvalidTokenException",
          "ExpiredTokenException",
          "InvalidParameterException",
          "ResourceNotFoundException");

  private EksAuthClients() {}

  /** An EksAuthClient for the server, signing with {@code creds}; no retries (503 is a result). */
  static EksAuthClient client(TestServer ts, AwsCredentialsProvider creds) {
    return client(ts.endpoint(), creds);
  }

  /** An EksAuthClient for the server at {@code endpoint}, signing with {@code creds}. */
  static EksAuthClient client(URI endpoint, AwsCredentialsProvider creds) {
    return EksAuthClient.builder()
        .endpointOverride(endpoint)
        .region(Region.of(TestServer.REGION))
        .credentialsProvider(creds)
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  /** Every row of the audit table, oldest first, each column as stored. */
  static List<Map<String, Object>> auditRows(TestServer ts) {
    return auditRows(ts.server());
  }

  /** Every row of the audit table of {@code server}, oldest first. */
  static List<Map<String, Object>> auditRows(PodIdentityServer server) {
    return server
        .database()
        .read(h -> h.createQuery("SELECT * FROM audit ORDER BY id").mapToMap().list());
  }
}
