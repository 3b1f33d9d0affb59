package io.podidentity.testing;

import io.podidentity.cluster.Cluster;
import io.podidentity.server.PodIdentityServer;
import io.podidentity.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * A real podidentity server on 127.0.0.1:0 with a fresh data dir and a cluster named {@code local}
 * registered, for tests that call it with real clients. Shared by other modules' tests (test-jar).
 */
public final class TestServer implements AutoCloseable {
  public static final String ACCOUNT = "111122223333";
  public static final String REGION = "us-east-1";
  private final Path dir;
  private PodIdentityServer server;

  public TestServer() {
    this(ServerConfig.Issuer.BUILTIN, Optional.empty());
  }

  public TestServer(ServerConfig.Issuer issuer, Optional<URI> sts) {
    try {
      dir = Files.createTempDirectory("podidentity-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server =
        PodIdentityServer.start(
            new ServerConfig(dir, "127.0.0.1", 0, ACCOUNT, REGION, issuer, sts, Optional.empty()));
    server
        .clusters()
        .ensure(
            new Cluster(
                "local",
                ACCOUNT,
                REGION,
                "https://podidentity.local/clusters/local",
                Optional.of("{\"keys\":[]}"),
                Optional.empty(),
                Instant.now()));
  }

  public PodIdentityServer server() {
    return server;
  }

  public Path dataDir() {
    return dir;
  }

  public URI endpoint() {
    return URI.create(server.endpoint());
  }

  /** Stops and starts the server on the same data dir (durability tests). */
  public void restart() {
    ServerConfig c = server.config();
    server.close();
    server = PodIdentityServer.start(c);
  }

  public StaticCredentialsProvider adminCredentials() {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(
            server.adminKey().accessKeyId(), server.adminKey().secretAccessKey()));
  }

  public StaticCredentialsProvider agentCredentials() {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(
            server.agentKey().accessKeyId(), server.agentKey().secretAccessKey()));
  }

  /** Raw signed requests with the admin key. */
  public RawClient adminClient() {
    return new RawClient(
        endpoint(), server.adminKey().accessKeyId(), server.adminKey().secretAccessKey());
  }

  /** Raw signed requests with the agent key (only eks-auth:AssumeRoleForPodIdentity). */
  public RawClient agentClient() {
    return new RawClient(
        endpoint(), server.agentKey().accessKeyId(), server.agentKey().secretAccessKey());
  }

  public EksClient eks() {
    return EksClient.builder()
        .endpointOverride(endpoint())
        .region(Region.of(REGION))
        .credentialsProvider(adminCredentials())
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  @Override
  public void close() {
    server.close();
  }
}
