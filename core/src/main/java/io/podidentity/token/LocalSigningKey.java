package io.podidentity.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import io.podidentity.token.internal.KeyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local cluster's service-account signing key: RSA 2048, RS256, with a stable key id — the
 * SHA-1 of the public key's X.509 SubjectPublicKeyInfo DER, 40 lower-case hex digits, the form EKS
 * clusters publish (the seeds' decoded token).
 *
 * <p>{@link #loadOrCreate} keeps it in {@value #FILE_NAME} in a data directory: PKCS#8 PEM,
 * permissions 0600 — the format kube-apiserver's {@code --service-account-signing-key-file} reads,
 * so a real test cluster can share the key. {@link #toString()} shows only the key id.
 */
public final class LocalSigningKey {
  private static final Logger LOG = LoggerFactory.getLogger(LocalSigningKey.class);

  /** The file name of the key in its directory. */
  public static final String FILE_NAME = "sa-signing-key.pem";

  private static final int BITS = 2048;

  private final RSAPrivateCrtKey privateKey;
  private final RSAPublicKey publicKey;
  private final String kid;
  private final JWSSigner signer;
  private final String jwksJson;

  private LocalSigningKey(RSAPrivateCrtKey privateKey) {
    this.privateKey = privateKey;
    try {
      this.publicKey =
          (RSAPublicKey)
              KeyFactory.getInstance("RSA")
                  .generatePublic(
                      new RSAPublicKeySpec(
                          privateKey.getModulus(), privateKey.getPublicExponent()));
      this.kid =
          HexFormat.of()
              .formatHex(MessageDigest.getInstance("SHA-1").digest(publicKey.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA is not available", e);
    }
    if (publicKey.getModulus().bitLength() < BITS) {
      throw new IllegalArgumentException(
          "the signing key has " + publicKey.getModulus().bitLength() + " bits; at least 2048");
    }
    this.signer = new RSASSASigner(privateKey);
    this.jwksJson = new JWKSet(List.of(publicJwk())).toString(true);
  }

  /** A new key, kept only in memory. */
  public static LocalSigningKey generate() {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(BITS);
      return new LocalSigningKey((RSAPrivateCrtKey) gen.generateKeyPair().getPrivate());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("RSA is not available", e);
    }
  }

  /**
   * The key in {@code dir}/{@value #FILE_NAME}; generated and written there (0600, directory
   * created 0700 if missing) when absent. Safe against a concurrent first start: whoever writes
   * first wins and the other loads that key.
   *
   * @throws UncheckedIOException if the directory or file cannot be read or written
   * @throws IllegalArgumentException if the file exists but holds no usable RSA key
   */
  public static LocalSigningKey loadOrCreate(Path dir) {
    Objects.requireNonNull(dir, "dir");
    Path file = dir.resolve(FILE_NAME);
    try {
      if (!Files.exists(file)) {
        LocalSigningKey fresh = generate();
        if (KeyFiles.writeOwnerOnlyIfAbsent(file, KeyFiles.toPem(fresh.privateKey.getEncoded()))) {
          LOG.info("generated service-account signing key {} in {}", fresh.kid, file);
          return fresh;
        }
      }
      if (KeyFiles.accessibleByOthers(file)) {
        LOG.warn("{} is accessible by group or others; restrict it with chmod 600", file);
      }
      LocalSigningKey key;
      try {
        key =
            new LocalSigningKey(
                KeyFiles.rsaFromPem(Files.readString(file, StandardCharsets.US_ASCII)));
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException(
            file + " holds no usable RSA private key: " + e.getMessage(), e);
      }
      LOG.debug("loaded service-account signing key {} from {}", key.kid, file);
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the signing key " + file, e);
    }
  }

  /** The key id: 40 lower-case hex digits. */
  public String kid() {
    return kid;
  }

  /** The public key. */
  public RSAPublicKey publicKey() {
    return publicKey;
  }

  /** The public JWKS document ({@code {"keys":[{"kty":"RSA","use":"sig","alg":"RS256",...}]}}). */
  public String publicJwksJson() {
    return jwksJson;
  }

  /** A source holding just this key's public half, for {@link ClusterTrust}. */
  public JwksSource jwksSource() {
    return JwksSource.inline(jwksJson);
  }

  JWSSigner signer() {
    return signer;
  }

  private RSAKey publicJwk() {
    return new RSAKey.Builder(publicKey)
        .keyID(kid)
        .keyUse(KeyUse.SIGNATURE)
        .algorithm(JWSAlgorithm.RS256)
        .build();
  }

  @Override
  public String toString() {
    return "LocalSigningKey[kid=" + kid + "]";
  }
}
