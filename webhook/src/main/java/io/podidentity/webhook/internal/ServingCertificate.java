package io.podidentity.webhook.internal;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving certificate, read from PEM files and swapped in when their content changes (a
 * Kubernetes Secret volume updates by an atomic symlink swap; cert-manager renews in place). The
 * files are re-read every interval and compared by content, not mtime, so a swap within one
 * timestamp tick is still seen. A pair that does not load (half-written, key not matching the
 * certificate) is ignored until the next tick and the previous pair keeps serving.
 *
 * <p>New TLS handshakes use the current pair through a key manager that reads it on every
 * handshake; established connections keep theirs.
 */
final class ServingCertificate implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServingCertificate.class);

  record Material(PrivateKey key, X509Certificate[] chain, String certPem, byte[] raw) {}

  private final Path certFile;
  private final Path keyFile;

  /**
   * The pair served now and the one before it, swapped together: a handshake that chose its alias
   * (the generation) just before a swap still gets a chain and key of the same pair.
   */
  private record State(long generation, Material current, Material previous) {
    Material byAlias(String alias) {
      if (("g" + generation).equals(alias)) {
        return current;
      }
      return previous != null && ("g" + (generation - 1)).equals(alias) ? previous : null;
    }
  }

  private final AtomicReference<State> state = new AtomicReference<>();
  private final Consumer<Boolean> reloadListener;
  private final Thread watcher;
  private volatile boolean closed;

  ServingCertificate(
      Path certFile, Path keyFile, Duration interval, Consumer<Boolean> reloadListener)
      throws IOException, GeneralSecurityException {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.reloadListener = reloadListener;
    state.set(new State(0, load(certFile, keyFile), null));
    this.watcher =
        Thread.ofVirtual()
            .name("webhook-tls-reload")
            .start(
                () -> {
                  while (!closed) {
                    try {
                      Thread.sleep(interval);
                    } catch (InterruptedException e) {
                      return;
                    }
                    reloadIfChanged();
                  }
                });
  }

  /** Reloads now if the files' content differs from what is served; true if it swapped. */
  boolean reloadIfChanged() {
    byte[] raw;
    try {
      raw = readBoth(certFile, keyFile);
    } catch (IOException e) {
      log.warn(
          "tls: cannot read {} / {}: {}; keeping the current certificate",
          certFile,
          keyFile,
          e.toString());
      reloadListener.accept(false);
      return false;
    }
    State before = state.get();
    if (Arrays.equals(raw, before.current().raw())) {
      return false;
    }
    try {
      Material m = parse(raw, certFile, keyFile);
      state.set(new State(before.generation() + 1, m, before.current()));
      log.info(
          "tls: reloaded serving certificate subject=\"{}\" notAfter={} from {}",
          m.chain()[0].getSubjectX500Principal().getName(),
          m.chain()[0].getNotAfter().toInstant(),
          certFile);
      reloadListener.accept(true);
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      log.warn(
          "tls: new files at {} do not load ({}); keeping the current certificate",
          certFile,
          e.getMessage());
      reloadListener.accept(false);
      return false;
    }
  }

  String certPem() {
    return state.get().current().certPem();
  }

  SSLContext sslContext() throws GeneralSecurityException {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(new KeyManager[] {new KeyManagerImpl()}, null, new SecureRandom());
    return ctx;
  }

  static Material load(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
    return parse(readBoth(certFile, keyFile), certFile, keyFile);
  }

  private static byte[] readBoth(Path certFile, Path keyFile) throws IOException {
    byte[] c = Files.readAllBytes(certFile);
    byte[] k = Files.readAllBytes(keyFile);
    byte[] out = new byte[c.length + 1 + k.length];
    System.arraycopy(c, 0, out, 0, c.length);
    out[c.length] = 0; // separator: never in PEM text
    System.arraycopy(k, 0, out, c.length + 1, k.length);
    return out;
  }

  private static Material parse(byte[] raw, Path certFile, Path keyFile)
      throws GeneralSecurityException {
    int sep = 0;
    while (raw[sep] != 0) {
      sep++;
    }
    String certPem = new String(raw, 0, sep, StandardCharsets.US_ASCII);
    String keyPem = new String(raw, sep + 1, raw.length - sep - 1, StandardCharsets.US_ASCII);
    List<X509Certificate> chain;
    try {
      chain = Pem.certificates(certPem);
    } catch (GeneralSecurityException e) {
      throw new GeneralSecurityException(certFile + ": " + e.getMessage(), e);
    }
    PrivateKey key;
    try {
      key = Pem.privateKey(keyPem);
    } catch (GeneralSecurityException e) {
      throw new GeneralSecurityException(keyFile + ": " + e.getMessage(), e);
    }
    checkPair(key, chain.get(0), keyFile);
    return new Material(key, chain.toArray(X509Certificate[]::new), certPem, raw);
  }

  /** Signs and verifies a probe, so a key from one renewal and a cert from another are refused. */
  private static void checkPair(PrivateKey key, X509Certificate cert, Path keyFile)
      throws GeneralSecurityException {
    String alg =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          case "RSASSA-PSS" -> "RSASSA-PSS";
          default ->
              throw new GeneralSecurityException("unsupported key type " + key.getAlgorithm());
        };
    if (alg.equals("RSASSA-PSS")) {
      return;
    }
    byte[] probe = "podidentity".getBytes(StandardCharsets.US_ASCII);
    Signature s = Signature.getInstance(alg);
    s.initSign(key);
    s.update(probe);
    byte[] sig = s.sign();
    Signature v = Signature.getInstance(alg);
    v.initVerify(cert.getPublicKey());
    v.update(probe);
    if (!v.verify(sig)) {
      throw new GeneralSecurityException(keyFile + ": the key does not match the certificate");
    }
  }

  @Override
  public void close() {
    closed = true;
    watcher.interrupt();
  }

  private final class KeyManagerImpl extends X509ExtendedKeyManager {
    private String alias(String keyType) {
      State s = state.get();
      String alg = s.current().key().getAlgorithm();
      return keyType == null
              || keyType.equalsIgnoreCase(alg)
              || (alg.equals("EdDSA") && keyType.equals("Ed25519"))
          ? "g" + s.generation()
          : null;
    }

    private Material byAlias(String alias) {
      return state.get().byAlias(alias);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return alias(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return alias(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      String a = alias(keyType);
      return a == null ? null : new String[] {a};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      Material m = byAlias(alias);
      return m == null ? null : m.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      Material m = byAlias(alias);
      return m == null ? null : m.key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
