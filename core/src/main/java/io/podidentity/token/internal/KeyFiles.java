package io.podidentity.token.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;

/** PKCS#8 PEM files for private keys, written owner-only (0600) and atomically. */
public final class KeyFiles {
  private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String END = "-----END PRIVATE KEY-----";
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private KeyFiles() {}

  /** The PEM text of a PKCS#8-encoded private key. */
  public static String toPem(byte[] pkcs8) {
    String b64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8);
    return BEGIN + "\n" + b64 + "\n" + END + "\n";
  }

  /** Reads an RSA private key from PKCS#8 PEM text. */
  public static RSAPrivateCrtKey rsaFromPem(String pem) throws GeneralSecurityException {
    int b = pem.indexOf(BEGIN);
    int e = pem.indexOf(END);
    if (b < 0 || e < b) {
      throw new GeneralSecurityException("not a PKCS#8 PEM private key (" + BEGIN + ")");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(b + BEGIN.length(), e));
    } catch (IllegalArgumentException ex) {
      throw new GeneralSecurityException("the PEM body is not base64", ex);
    }
    var key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    if (!(key instanceof RSAPrivateCrtKey crt)) {
      throw new GeneralSecurityException("the key has no CRT parameters (public exponent)");
    }
    return crt;
  }

  /**
   * Writes {@code content} to {@code target} with permissions 0600 unless {@code target} already
   * exists; returns false (and writes nothing) if it does. The file appears complete or not at all:
   * it is written under a temporary name and hard-linked into place, so two processes starting
   * together cannot both win.
   */
  public static boolean writeOwnerOnlyIfAbsent(Path target, String content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    createOwnerOnlyDirectories(dir);
    Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      if (POSIX) {
        Files.createFile(
            tmp,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(tmp);
      }
      Files.writeString(tmp, content, StandardCharsets.US_ASCII);
      try {
        Files.createLink(target, tmp);
      } catch (UnsupportedOperationException e) {
        Files.move(tmp, target);
      }
      return true;
    } catch (FileAlreadyExistsException e) {
      if (Files.exists(target)) {
        return false;
      }
      throw e;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Whether group or others may read or write {@code file} (false where POSIX is unknown). */
  public static boolean accessibleByOthers(Path file) throws IOException {
    if (!POSIX) {
      return false;
    }
    Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
    return p.contains(PosixFilePermission.GROUP_READ)
        || p.contains(PosixFilePermission.GROUP_WRITE)
        || p.contains(PosixFilePermission.OTHERS_READ)
        || p.contains(PosixFilePermission.OTHERS_WRITE);
  }

  private static void createOwnerOnlyDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (POSIX) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
  }
}
