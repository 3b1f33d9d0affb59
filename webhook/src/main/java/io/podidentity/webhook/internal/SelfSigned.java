package io.podidentity.webhook.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Generates a self-signed ECDSA P-256 serving certificate for development with the JDK's own {@code
 * keytool} (no extra dependency): SANs 127.0.0.1, ::1, localhost and the given DNS names, EKU
 * serverAuth. The certificate is its own CA bundle.
 */
final class SelfSigned {
  private SelfSigned() {}

  /**
   * Writes {@code certFile}, {@code keyFile} (mode 0600) and {@code ca.crt} beside the certificate
   * (the CA bundle: the same certificate), unless certificate and key exist already.
   */
  static boolean ensure(Path certFile, Path keyFile, List<String> dnsNames) throws IOException {
    if (Files.exists(certFile) && Files.exists(keyFile)) {
      return false;
    }
    Set<String> dns = new LinkedHashSet<>();
    dns.add("localhost");
    dns.addAll(dnsNames);
    List<String> san = new ArrayList<>();
    dns.forEach(d -> san.add("dns:" + d));
    san.add("ip:127.0.0.1");
    san.add("ip:::1");
    String cn = dnsNames.isEmpty() ? "localhost" : dnsNames.get(0);

    Path tmp = Files.createTempDirectory("podidentity-webhook-tls");
    Path store = tmp.resolve("ks.p12");
    String pass = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    try {
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      ProcessBuilder pb =
          new ProcessBuilder(
                  keytool,
                  "-genkeypair",
                  "-alias",
                  "webhook",
                  "-keyalg",
                  "EC",
                  "-groupname",
                  "secp256r1",
                  "-sigalg",
                  "SHA256withECDSA",
                  "-dname",
                  "CN=" + cn + ", O=podidentity",
                  "-ext",
                  "SAN=" + String.join(",", san),
                  "-ext",
                  "EKU=serverAuth",
                  "-ext",
                  "KU=digitalSignature",
                  "-validity",
                  "825",
                  "-keystore",
                  store.toString(),
                  "-storetype",
                  "PKCS12",
                  "-storepass:env",
                  "PI_KS_PASS")
              .redirectErrorStream(true);
      pb.environment().put("PI_KS_PASS", pass); // not on the command line, where ps could see it
      Process p = pb.start();
      byte[] output;
      try (InputStream in = p.getInputStream()) {
        output = in.readAllBytes();
      }
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(
            "keytool failed: " + new String(output, StandardCharsets.UTF_8).strip());
      }
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        ks.load(in, pass.toCharArray());
      }
      PrivateKey key = (PrivateKey) ks.getKey("webhook", pass.toCharArray());
      Certificate cert = ks.getCertificate("webhook");
      Files.createDirectories(certFile.toAbsolutePath().getParent());
      Files.createDirectories(keyFile.toAbsolutePath().getParent());
      writeAtomically(keyFile, Pem.encode("PRIVATE KEY", key.getEncoded()), true);
      String pem = Pem.encode("CERTIFICATE", cert.getEncoded());
      writeAtomically(certFile, pem, false);
      // the same certificate under the name a caBundle is usually looked for
      writeAtomically(certFile.toAbsolutePath().resolveSibling("ca.crt"), pem, false);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while generating a certificate", e);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the generated certificate: " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(store);
      Files.deleteIfExists(tmp);
    }
  }

  static void writeAtomically(Path target, String content, boolean secret) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, ".tmp-", ".pem");
    try {
      if (secret) {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system; best effort
        }
      }
      Files.writeString(tmp, content, StandardCharsets.US_ASCII);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
