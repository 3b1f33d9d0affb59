package io.podidentity.eksauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import io.podidentity.server.PodIdentityServer;
import io.podidentity.server.ServerConfig;
import io.podidentity.testing.MutableClock;
import io.podidentity.testing.RawClient;
import io.podidentity.testing.TestServer;
import io.podidentity.token.LocalSigningKey;
import io.podidentity.token.MintRequest;
import io.podidentity.token.TokenMinter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eksauth.EksAuthClient;
import software.amazon.awssdk.services.eksauth.model.AssumeRoleForPodIdentityResponse;
import software.amazon.awssdk.services.eksauth.model.EksAuthException;
import software.amazon.awssdk.services.eksauth.model.InvalidTokenException;

/**
 * A cluster registered through the API with a {@code jwksUri} (served here by a small real HTTP
 * server): its tokens verify against the fetched keys, and after the issuer rotates its key a token
 * with the new kid verifies once the re-fetch is due (at most one fetch per 30 s). The server runs
 * on a clock the test moves, so the rate limit is passed without sleeping.
 */
class JwksByUrlClusterTest {
  static final String ISSUER = "https://issuer.test/clusters/remote";
  static final String ROLE = "arn:aws:iam::111122223333:role/remote-role";

  final AtomicReference<String> servedJwks = new AtomicReference<>();
  final AtomicInteger fetches = new AtomicInteger();
  MutableClock clock;
  HttpServer issuer;
  PodIdentityServer server;
  EksAuthClient agent;
  String associationId;

  @BeforeEach
  void start() throws IOException {
    issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    issuer.createContext(
        "/keys",
        ex -> {
          fetches.incrementAndGet();
          byte[] body = servedJwks.get().getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/jwk-set+json");
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    issuer.start();
    clock = new MutableClock();
    server =
        PodIdentityServer.start(
            new ServerConfig(
                Files.createTempDirectory("podidentity-test"),
                "127.0.0.1",
                0,
                TestServer.ACCOUNT,
                TestServer.REGION,
                ServerConfig.Issuer.BUILTIN,
                Optional.empty(),
                Optional.empty()),
            clock);
    agent =
        EksAuthClients.client(
            URI.create(server.endpoint()),
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    server.agentKey().accessKeyId(), server.agentKey().secretAccessKey())));
  }

  @AfterEach
  void stop() {
    agent.close();
    server.close();
    issuer.stop(0);
  }

  /** POST /podidentity/v1/clusters with the issuer's JWKS URL, then an association in it. */
  private void registerRemoteCluster() {
    RawClient admin =
        new RawClient(
            URI.create(server.endpoint()),
            server.adminKey().accessKeyId(),
            server.adminKey().secretAccessKey());
    String jwksUri = "http://127.0.0.1:" + issuer.getAddress().getPort() + "/keys";
    HttpResponse<String> r =
        admin.signed(
            "POST",
            "/podidentity/v1/clusters",
            "{\"name\":\"remote\",\"issuer\":\"" + ISSUER + "\",\"jwksUri\":\"" + jwksUri + "\"}",
            "eks");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("\"name\":\"remote\"").contains(ISSUER);
    try (EksClient eks =
        EksClient.builder()
            .endpointOverride(URI.create(server.endpoint()))
            .region(Region.of(TestServer.REGION))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(
                        server.adminKey().accessKeyId(), server.adminKey().secretAccessKey())))
            .httpClient(UrlConnectionHttpClient.create())
            .build()) {
      assertThat(eks.describeCluster(b -> b.name("remote")).cluster().identity().oidc().issuer())
          .isEqualTo(ISSUER);
      associationId =
          eks.createPodIdentityAssociation(
                  b ->
                      b.clusterName("remote")
                          .namespace("default")
                          .serviceAccount("app")
                          .roleArn(ROLE))
              .association()
              .associationId();
    }
  }

  private String tokenSignedBy(LocalSigningKey key) {
    return new TokenMinter(key, ISSUER, clock).mint(MintRequest.of("default", "app"));
  }

  @Test
  void tokenSignedByAKeyFromTheJwksUriGetsPastVerification() {
    LocalSigningKey key = LocalSigningKey.generate();
    servedJwks.set(key.publicJwksJson());
    registerRemoteCluster();
    assertGetsPastVerification(tokenSignedBy(key));
    assertThat(fetches).hasValue(1);
  }

  @Test
  void afterRotationTheNewKidVerifiesOnceTheRefetchIsDue() {
    LocalSigningKey oldKey = LocalSigningKey.generate();
    LocalSigningKey newKey = LocalSigningKey.generate();
    servedJwks.set(oldKey.publicJwksJson());
    registerRemoteCluster();
    assertGetsPastVerification(tokenSignedBy(oldKey));

    servedJwks.set(newKey.publicJwksJson());
    // Within 30 s of the last fetch the unknown kid does not trigger another one.
    InvalidTokenException tooSoon =
        catchThrowableOfType(
            InvalidTokenException.class,
            () ->
                agent.assumeRoleForPodIdentity(
                    b -> b.clusterName("remote").token(tokenSignedBy(newKey))));
    assertThat(tooSoon.awsErrorDetails().errorMessage()).contains("key the cluster does not have");
    assertThat(fetches).hasValue(1);

    clock.advance(Duration.ofSeconds(31));
    assertGetsPastVerification(tokenSignedBy(newKey));
    assertThat(fetches).hasValue(2);

    // The rotated-out key is gone from the fetched set.
    InvalidTokenException old =
        catchThrowableOfType(
            InvalidTokenException.class,
            () ->
                agent.assumeRoleForPodIdentity(
                    b -> b.clusterName("remote").token(tokenSignedBy(oldKey))));
    assertThat(old.statusCode()).isEqualTo(400);
  }

  /**
   * Verification and the association lookup succeeded: credentials, or an error of the issuer
   * (until one is wired in main, its 503) — recorded in the audit with the association, which only
   * a verified token reaches.
   */
  private void assertGetsPastVerification(String token) {
    int before = EksAuthClients.auditRows(server).size();
    try {
      AssumeRoleForPodIdentityResponse r =
          agent.assumeRoleForPodIdentity(b -> b.clusterName("remote").token(token));
      assertThat(r.podIdentityAssociation().associationId()).isEqualTo(associationId);
    } catch (EksAuthException e) {
      // Whatever the issuer says (no issuer yet: 503; a role it does not know: AccessDenied),
      // it is not a verdict on the token or the association.
      assertThat(e.awsErrorDetails().errorCode()).isNotIn(EksAuthClients.TOKEN_OR_LOOKUP_ERRORS);
    }
    List<Map<String, Object>> rows = EksAuthClients.auditRows(server);
    assertThat(rows).hasSize(before + 1);
    assertThat(rows.get(rows.size() - 1).get("association_id")).isEqualTo(associationId);
    assertThat(rows.get(rows.size() - 1).get("cluster_name")).isEqualTo("remote");
  }
}
