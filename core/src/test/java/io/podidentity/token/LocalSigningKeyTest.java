package io.podidentity.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSigningKeyTest {
  @TempDir Path dir;

  @Test
  void kidIsTheSha1HexOfThePublicKeyDer() throws Exception {
    LocalSigningKey key = LocalSigningKey.generate();
    String expected =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-1").digest(key.publicKey().getEncoded()));
    assertThat(key.kid()).isEqualTo(expected).matches("[0-9a-f]{40}");
  }

  @Test
  void firstStartWritesTheKeyOwnerOnly() throws IOException {
    LocalSigningKey.loadOrCreate(dir.resolve("data"));
    Path file = dir.resolve("data").resolve(LocalSigningKey.FILE_NAME);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----\n");
  }

  @Test
  void nextStartLoadsTheSameKey() {
    LocalSigningKey first = LocalSigningKey.loadOrCreate(dir);
    LocalSigningKey second = LocalSigningKey.loadOrCreate(dir);
    assertThat(second.kid()).isEqualTo(first.kid());
    assertThat(second.publicKey()).isEqualTo(first.publicKey());
  }

  @Test
  void aTokenMintedBeforeARestartVerifiesAfterIt() {
    String token =
        new TokenMinter(LocalSigningKey.loadOrCreate(dir), TestTokens.ISSUER, Clock.systemUTC())
            .mint(MintRequest.of("default", "sa"));
    ClusterTrust trust =
        new ClusterTrust(
            "local", TestTokens.ISSUER, LocalSigningKey.loadOrCreate(dir).jwksSource());
    assertThat(TokenVerifier.standard(Clock.systemUTC()).verify(token, trust).namespace())
        .isEqualTo("default");
  }

  @Test
  void concurrentFirstStartsAgreeOnOneKey() throws Exception {
    try (var pool = Executors.newFixedThreadPool(4)) {
      var futures =
          pool.invokeAll(
              Collections.nCopies(
                  4, (Callable<String>) () -> LocalSigningKey.loadOrCreate(dir).kid()));
      var kids = new HashSet<String>();
      for (var f : futures) {
        kids.add(f.get());
      }
      assertThat(kids).containsExactly(LocalSigningKey.loadOrCreate(dir).kid());
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactly(LocalSigningKey.FILE_NAME);
    }
  }

  @Test
  void publicJwksHasTheKidAndNoPrivateParts() {
    LocalSigningKey key = LocalSigningKey.generate();
    var jwks = TestTokens.json(key.publicJwksJson());
    @SuppressWarnings("unchecked")
    var jwk = (Map<String, Object>) ((List<?>) jwks.get("keys")).get(0);
    assertThat(jwk)
        .containsEntry("kty", "RSA")
        .containsEntry("kid", key.kid())
        .containsEntry("alg", "RS256")
        .containsEntry("use", "sig")
        .containsKeys("n", "e")
        .doesNotContainKeys("d", "p", "q", "dp", "dq", "qi");
  }

  @Test
  void aCorruptKeyFileIsAClearError() throws IOException {
    Files.writeString(dir.resolve(LocalSigningKey.FILE_NAME), "not a key");
    assertThatThrownBy(() -> LocalSigningKey.loadOrCreate(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(LocalSigningKey.FILE_NAME)
        .hasMessageContaining("no usable RSA private key");
  }

  @Test
  void toStringShowsOnlyTheKid() {
    LocalSigningKey key = LocalSigningKey.generate();
    assertThat(key.toString()).isEqualTo("LocalSigningKey[kid=" + key.kid() + "]");
  }
}
