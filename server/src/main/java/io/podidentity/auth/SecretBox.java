package io.podidentity.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest (AES-256-GCM) with a key kept in the data dir, so the store never holds
 * a secret access key or session token in clear text (issue 3 §4).
 */
public final class SecretBox {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final SecretKeySpec key;

  private SecretBox(byte[] key) {
    this.key = new SecretKeySpec(key, "AES");
  }

  /** Loads the key file, creating it (mode 0600) with a fresh random key when absent. */
  public static SecretBox loadOrCreate(Path keyFile) throws IOException {
    if (!Files.exists(keyFile)) {
      byte[] k = new byte[32];
      RANDOM.nextBytes(k);
      Files.createFile(
          keyFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(
          keyFile,
          Base64.getEncoder().encode(k),
          StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
    }
    byte[] k = Base64.getDecoder().decode(Files.readString(keyFile).strip());
    if (k.length != 32) {
      throw new IOException(keyFile + " does not hold a 256-bit key");
    }
    return new SecretBox(k);
  }

  public String seal(String plaintext) {
    try {
      byte[] iv = new byte[12];
      RANDOM.nextBytes(iv);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
      byte[] ct = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder()
          .encodeToString(ByteBuffer.allocate(12 + ct.length).put(iv).put(ct).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("encryption failed", e);
    }
  }

  public String open(String sealed) {
    try {
      byte[] all = Base64.getDecoder().decode(sealed);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, all, 0, 12));
      return new String(c.doFinal(all, 12, all.length - 12), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("stored secret cannot be decrypted with this data dir's key");
    }
  }

  /** An HMAC-SHA256 over data with a key derived from this box's key (for opaque tokens). */
  public byte[] mac(String purpose, byte[] data) {
    try {
      javax.crypto.Mac m = javax.crypto.Mac.getInstance("HmacSHA256");
      m.init(key);
      m.update(purpose.getBytes(StandardCharsets.UTF_8));
      m.update((byte) 0);
      return m.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
