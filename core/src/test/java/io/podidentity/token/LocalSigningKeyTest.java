package io.podidentity.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
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
        new TokenMinter(
                LocalSigningKey.loadOrCreate(dir), TestTokens.ISSUER, java.time.Clock.systemUTC())
            .mint(MintRequest.of("default", "sa"));
    ClusterTrust trust =
        new ClusterTrust(
            "local", TestTokens.ISSUER, LocalSigningKey.loadOrCreate(dir).jwksSource());
    assertThat(TokenVerifier.standard(java.time.Clock.systemUTC()).verify(token, trust).namespace())
        .isEqualTo("default");
  }

  @Test
  void publicJwksHasTheKidAndNoPrivateParts() {
    LocalSigningKey key = LocalSigningKey.generate();
    var jwks = TestTokens.json(key.publicJwksJson());
    @SuppressWarnings("unchecked")
    var jwk = (java.util.Map<String, Object>) ((java.util.List<?>) jwks.get("keys")).get(0);
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
