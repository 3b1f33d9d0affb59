package io.podidentity.webhook.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM certificates and private keys. Keys in PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA
 * PRIVATE KEY}, cert-manager's default encoding) and SEC1 ({@code EC PRIVATE KEY}, openssl
 * ecparam's output) are accepted; the latter two are rewrapped as PKCS#8 (RFC 5208, RFC 5915).
 */
final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");
  private static final byte[] RSA_OID = {
    0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01
  };
  private static final byte[] EC_OID = {
    0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
  };

  private Pem() {}

  record Block(String label, byte[] der) {}

  static List<Block> blocks(String pem) {
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
    }
    return out;
  }

  static List<X509Certificate> certificates(String pem) throws CertificateException {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> out = new ArrayList<>();
    for (Block b : blocks(pem)) {
      if (b.label().equals("CERTIFICATE")) {
        out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
      }
    }
    if (out.isEmpty()) {
      throw new CertificateException("no CERTIFICATE block found");
    }
    return out;
  }

  static PrivateKey privateKey(String pem) throws GeneralSecurityException {
    for (Block b : blocks(pem)) {
      switch (b.label()) {
        case "PRIVATE KEY":
          return pkcs8(b.der(), "RSA", "EC", "Ed25519", "RSASSA-PSS");
        case "RSA PRIVATE KEY":
          return pkcs8(wrap(RSA_OID, new byte[] {0x05, 0x00}, b.der()), "RSA");
        case "EC PRIVATE KEY":
          return pkcs8(wrap(EC_OID, sec1CurveOid(b.der()), b.der()), "EC");
        default:
          // e.g. EC PARAMETERS before the key; keep looking
      }
    }
    throw new GeneralSecurityException(
        "no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block found (encrypted keys are not"
            + " supported)");
  }

  private static PrivateKey pkcs8(byte[] der, String... algorithms)
      throws GeneralSecurityException {
    GeneralSecurityException last = null;
    for (String alg : algorithms) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException | RuntimeException e) {
        last = e instanceof GeneralSecurityException g ? g : new GeneralSecurityException(e);
      }
    }
    throw new GeneralSecurityException("unsupported private key: " + last.getMessage(), last);
  }

  /** PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier, OCTET STRING key }. */
  private static byte[] wrap(byte[] algOid, byte[] params, byte[] key) {
    byte[] algId = tlv(0x30, concat(algOid, params));
    return tlv(0x30, concat(new byte[] {0x02, 0x01, 0x00}, algId, tlv(0x04, key)));
  }

  /** ECPrivateKey ::= SEQUENCE { version, privateKey OCTET STRING, [0] parameters, [1] pub }. */
  private static byte[] sec1CurveOid(byte[] der) throws GeneralSecurityException {
    int[] seq = header(der, 0);
    int p = seq[0];
    int end = p + seq[1];
    while (p < end) {
      int tag = der[p] & 0xff;
      int[] h = header(der, p);
      if (tag == 0xa0) {
        byte[] oid = new byte[h[1]];
        System.arraycopy(der, h[0], oid, 0, h[1]);
        return oid;
      }
      p = h[0] + h[1];
    }
    throw new GeneralSecurityException("EC PRIVATE KEY without named curve parameters");
  }

  /** {content offset, content length} of the TLV at {@code p}. */
  private static int[] header(byte[] der, int p) throws GeneralSecurityException {
    if (p + 2 > der.length) {
      throw new GeneralSecurityException("truncated DER");
    }
    int len = der[p + 1] & 0xff;
    int off = p + 2;
    if (len >= 0x80) {
      int n = len & 0x7f;
      if (n > 3 || off + n > der.length) {
        throw new GeneralSecurityException("bad DER length");
      }
      len = 0;
      for (int i = 0; i < n; i++) {
        len = (len << 8) | (der[off++] & 0xff);
      }
    }
    if (off + len > der.length) {
      throw new GeneralSecurityException("truncated DER");
    }
    return new int[] {off, len};
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int len = content.length;
    if (len < 0x80) {
      out.write(len);
    } else if (len < 0x100) {
      out.write(0x81);
      out.write(len);
    } else if (len < 0x10000) {
      out.write(0x82);
      out.write(len >> 8);
      out.write(len);
    } else {
      out.write(0x83);
      out.write(len >> 16);
      out.write(len >> 8);
      out.write(len);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static String encode(String label, byte[] der) {
    String b64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
  }
}
