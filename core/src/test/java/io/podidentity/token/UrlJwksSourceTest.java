package io.podidentity.token;

import static io.podidentity.token.TestTokens.ISSUER;
import static io.podidentity.token.TestTokens.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.podidentity.api.ApiException;
import io.podidentity.testing.MutableClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** JWKS by URL against a real HTTP server on 127.0.0.1. */
class UrlJwksSourceTest {
  private static final JwksFetchOptions OPTIONS =
      JwksFetchOptions.DEFAULTS
          .withMinFetchInterval(Duration.ofSeconds(30))
          .withRefreshInterval(Duration.ofHours(1));

  private static LocalSigningKey keyA;
  private static LocalSigningKey keyB;

  private final AtomicReference<String> body = new AtomicReference<>();
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicInteger delayMillis = new AtomicInteger();
  private final AtomicInteger hits = new AtomicInteger();
  private final AtomicReference<String> discoveryIssuer = new AtomicReference<>();
  private HttpServer server;
  private ExecutorService executor;
  private MutableClock clock;
  private TokenVerifier verifier;

  @BeforeAll
  static void keys() {
    keyA = LocalSigningKey.generate();
    keyB = LocalSigningKey.generate();
  }

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/openid/v1/jwks",
        exchange -> {
          hits.incrementAndGet();
          try {
            Thread.sleep(delayMillis.get());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/jwk-set+json");
          exchange.sendResponseHeaders(status.get(), bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          } catch (IOException e) {
            // the client gave up (timeout test)
          }
        });
    server.createContext(
        "/.well-known/openid-configuration",
        exchange -> {
          hits.incrementAndGet();
          String issuer = discoveryIssuer.get() != null ? discoveryIssuer.get() : base();
          byte[] bytes =
              ("{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + uri() + "\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    executor = Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon().unstarted(r));
    server.setExecutor(executor);
    server.start();
    body.set(keyA.publicJwksJson());
    clock = new MutableClock(T0);
    verifier = TokenVerifier.standard(clock);
  }

  @AfterEach
  void stop() {
    server.stop(0);
    executor.shutdownNow();
  }

  private String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private URI uri() {
    return URI.create(base() + "/openid/v1/jwks");
  }

  private ClusterTrust trust(JwksFetchOptions options) {
    return new ClusterTrust("remote", ISSUER, JwksSource.fromUrl(uri(), options, clock));
  }

  private String token(LocalSigningKey key) {
    return new TokenMinter(key, ISSUER, clock).mint(MintRequest.of("default", "my-sa"));
  }

  /** A token naming a made-up kid; rejected before its (bogus) signature is looked at. */
  private String tokenWithUnknownKid() {
    String[] parts = token(keyA).split("\\.");
    return TestTokens.b64("{\"alg\":\"RS256\",\"kid\":\"" + UUID.randomUUID() + "\"}")
        + "."
        + parts[1]
        + "."
        + parts[2];
  }

  @Test
  void tokenVerifiesAgainstTheFetchedKeys() {
    ClusterTrust trust = trust(OPTIONS);
    assertThat(verifier.verify(token(keyA), trust).namespace()).isEqualTo("default");
    assertThat(verifier.verify(token(keyA), trust).namespace()).isEqualTo("default");
    assertThat(hits).hasValue(1);
  }

  @Test
  void tokenWithTheRotatedInKidVerifiesAfterTheRefetch() {
    ClusterTrust trust = trust(OPTIONS);
    verifier.verify(token(keyA), trust);
    body.set(keyB.publicJwksJson());
    clock.advance(Duration.ofSeconds(31));
    assertThat(verifier.verify(token(keyB), trust).serviceAccountName()).isEqualTo("my-sa");
    assertThat(hits).hasValue(2);
  }

  @Test
  void unknownKidWithinTheMinimumIntervalDoesNotRefetch() {
    ClusterTrust trust = trust(OPTIONS);
    verifier.verify(token(keyA), trust);
    body.set(keyB.publicJwksJson());
    clock.advance(Duration.ofSeconds(29));
    assertThatThrownBy(() -> verifier.verify(token(keyB), trust))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo("InvalidTokenException"));
    assertThat(hits).hasValue(1);
  }

  @Test
  void floodOfUnknownKidsFetchesAtMostOncePerInterval() {
    ClusterTrust trust = trust(OPTIONS);
    verifier.verify(token(keyA), trust);
    for (int round = 1; round <= 3; round++) {
      clock.advance(Duration.ofSeconds(30));
      for (int i = 0; i < 200; i++) {
        String t = tokenWithUnknownKid();
        assertThatThrownBy(() -> verifier.verify(t, trust))
            .isInstanceOfSatisfying(
                ApiException.class, e -> assertThat(e.code()).isEqualTo("InvalidTokenException"));
      }
      assertThat(hits).hasValue(1 + round);
    }
  }

  @Test
  void failedRefreshKeepsTheLastGoodKeys() {
    ClusterTrust trust = trust(OPTIONS);
    verifier.verify(token(keyA), trust);
    status.set(500);
    clock.advance(Duration.ofHours(2));
    assertThat(verifier.verify(token(keyA), trust).podName()).isNotEmpty();
    assertThat(hits).hasValue(2);
  }

  @Test
  void unparseableRefreshKeepsTheLastGoodKeys() {
    ClusterTrust trust = trust(OPTIONS);
    verifier.verify(token(keyA), trust);
    body.set("<html>maintenance</html>");
    clock.advance(Duration.ofHours(2));
    assertThat(verifier.verify(token(keyA), trust).podName()).isNotEmpty();
    assertThat(hits).hasValue(2);
  }

  @Test
  void periodicRefreshPicksUpNewKeys() {
    JwksSource source = JwksSource.fromUrl(uri(), OPTIONS, clock);
    assertThat(source.current().kids()).containsExactly(keyA.kid());
    body.set(keyB.publicJwksJson());
    clock.advance(Duration.ofMinutes(61));
    assertThat(source.current().kids()).containsExactly(keyB.kid());
    assertThat(hits).hasValue(2);
  }

  @Test
  void issuerDownSinceStartIsServiceUnavailableAndNotHammered() {
    status.set(503);
    ClusterTrust trust = trust(OPTIONS);
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> verifier.verify(token(keyA), trust))
          .isInstanceOfSatisfying(
              ApiException.class,
              e -> {
                assertThat(e.code()).isEqualTo("ServiceUnavailableException");
                assertThat(e.status()).isEqualTo(503);
              });
    }
    assertThat(hits).hasValue(1);
  }

  @Test
  void oversizedJwksDocumentIsRefused() {
    JwksFetchOptions small =
        new JwksFetchOptions(
            OPTIONS.connectTimeout(),
            OPTIONS.requestTimeout(),
            OPTIONS.refreshInterval(),
            OPTIONS.minFetchInterval(),
            100);
    ClusterTrust trust = trust(small);
    assertThatThrownBy(() -> verifier.verify(token(keyA), trust))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo("ServiceUnavailableException"));
  }

  @Test
  void slowIssuerIsCutOffByTheRequestTimeout() {
    delayMillis.set(3000);
    JwksFetchOptions quick =
        new JwksFetchOptions(
            Duration.ofMillis(200),
            Duration.ofMillis(200),
            OPTIONS.refreshInterval(),
            OPTIONS.minFetchInterval(),
            OPTIONS.maxBytes());
    ClusterTrust trust = trust(quick);
    assertThatThrownBy(() -> verifier.verify(token(keyA), trust))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo("ServiceUnavailableException"));
  }

  @Test
  void jwksFoundThroughIssuerDiscoveryVerifiesTokens() {
    ClusterTrust trust =
        new ClusterTrust("eks", base(), JwksSource.fromIssuerDiscovery(base(), OPTIONS, clock));
    String token = new TokenMinter(keyA, base(), clock).mint(MintRequest.of("default", "my-sa"));
    assertThat(verifier.verify(token, trust).issuer()).isEqualTo(base());
    assertThat(hits).hasValue(2);
  }

  @Test
  void discoveryDocumentNamingAnotherIssuerIsRefused() {
    discoveryIssuer.set("https://evil.example");
    ClusterTrust trust =
        new ClusterTrust("eks", base(), JwksSource.fromIssuerDiscovery(base(), OPTIONS, clock));
    String token = new TokenMinter(keyA, base(), clock).mint(MintRequest.of("default", "my-sa"));
    assertThatThrownBy(() -> verifier.verify(token, trust))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo("ServiceUnavailableException"));
  }
}
