package io.podidentity.sigv4.internal;

import io.podidentity.sigv4.HttpRequestView;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SigV4 canonical request, string to sign and signing key, as AWS defines them in "Create a
 * canonical request for Signature Version 4" (IAM user guide,
 * reference_sigv-create-signed-request). Used by both the verifier and the signer, so the two can
 * never disagree.
 */
public final class Canonical {
  public static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final HexFormat HEX = HexFormat.of();

  private Canonical() {}

  /**
   * The canonical request. Paths are normalised and each segment URI-encoded twice, as every non-S3
   * service expects; the query is decoded and re-encoded with AWS's rules and sorted.
   */
  public static String request(
      HttpRequestView req, List<String> signedHeaders, String payloadHash) {
    StringBuilder sb = new StringBuilder(256);
    sb.append(req.method()).append('\n');
    sb.append(canonicalPath(req.rawPath())).append('\n');
    sb.append(canonicalQuery(req.rawQuery())).append('\n');
    Map<String, String> lower = new TreeMap<>();
    for (Map.Entry<String, List<String>> e : req.headers().entrySet()) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (!signedHeaders.contains(name)) {
        continue;
      }
      String joined = String.join(",", e.getValue().stream().map(Canonical::trimAll).toList());
      lower.merge(name, joined, (a, b) -> a + "," + b);
    }
    for (String h : signedHeaders) {
      String v = lower.get(h);
      sb.append(h).append(':').append(v == null ? "" : v).append('\n');
    }
    sb.append('\n');
    sb.append(String.join(";", signedHeaders)).append('\n');
    sb.append(payloadHash);
    return sb.toString();
  }

  public static String stringToSign(String amzDate, String scope, String canonicalRequest) {
    return ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + sha256Hex(canonicalRequest);
  }

  public static byte[] signingKey(String secret, String date, String region, String service) {
    byte[] k = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
    k = hmac(k, region);
    k = hmac(k, service);
    return hmac(k, "aws4_request");
  }

  public static String signature(byte[] signingKey, String stringToSign) {
    return HEX.formatHex(hmac(signingKey, stringToSign));
  }

  public static String sha256Hex(String s) {
    return sha256Hex(s.getBytes(StandardCharsets.UTF_8));
  }

  public static String sha256Hex(byte[] b) {
    return HEX.formatHex(sha256().digest(b));
  }

  static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = (Mac) HMAC_PROTOTYPE.clone();
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (CloneNotSupportedException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  // Looking an algorithm up in the provider list on every call showed in profiles of the
  // assume-role path; cloning a prototype skips the lookup (JCA engines are cloneable here).
  private static final MessageDigest SHA256_PROTOTYPE = instance("SHA-256");
  private static final Mac HMAC_PROTOTYPE = mac("HmacSHA256");

  private static MessageDigest sha256() {
    try {
      return (MessageDigest) SHA256_PROTOTYPE.clone();
    } catch (CloneNotSupportedException e) {
      return instance("SHA-256");
    }
  }

  private static MessageDigest instance(String alg) {
    try {
      return MessageDigest.getInstance(alg);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Mac mac(String alg) {
    try {
      return Mac.getInstance(alg);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Leading/trailing whitespace removed and inner runs of spaces collapsed to one. */
  static String trimAll(String v) {
    String s = v.strip();
    // Hand-rolled: String.replaceAll would compile a regex for every header of every request.
    StringBuilder sb = null;
    boolean space = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ws = Character.isWhitespace(c);
      if (ws && (space || c != ' ') && sb == null) {
        sb = new StringBuilder(s.length()).append(s, 0, i);
      }
      if (sb != null && !(ws && space)) {
        sb.append(ws ? ' ' : c);
      }
      space = ws;
    }
    return sb == null ? s : sb.toString();
  }

  static String canonicalPath(String rawPath) {
    if (rawPath.isEmpty()) {
      return "/";
    }
    // Normalise dot segments and empty segments (RFC 3986 §5.2.4), as the SDKs do for non-S3.
    String[] raw = rawPath.split("/", -1);
    List<String> out = new ArrayList<>();
    for (String seg : raw) {
      String dec = decode(seg);
      if (dec.isEmpty() || dec.equals(".")) {
        continue;
      }
      if (dec.equals("..")) {
        if (!out.isEmpty()) {
          out.remove(out.size() - 1);
        }
        continue;
      }
      out.add(encode(encode(dec)));
    }
    String path = "/" + String.join("/", out);
    if (rawPath.endsWith("/") && !path.endsWith("/")) {
      path += "/";
    }
    return path;
  }

  static String canonicalQuery(String rawQuery) {
    if (rawQuery.isEmpty()) {
      return "";
    }
    List<String[]> pairs = new ArrayList<>();
    for (String p : rawQuery.split("&")) {
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      String k = eq < 0 ? p : p.substring(0, eq);
      String v = eq < 0 ? "" : p.substring(eq + 1);
      pairs.add(new String[] {encode(decodeForm(k)), encode(decodeForm(v))});
    }
    pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
    StringBuilder sb = new StringBuilder();
    for (String[] kv : pairs) {
      if (!sb.isEmpty()) {
        sb.append('&');
      }
      sb.append(kv[0]).append('=').append(kv[1]);
    }
    return sb.toString();
  }

  /** URI-encodes every byte except the RFC 3986 unreserved characters. */
  public static String encode(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(bytes.length + 8);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        sb.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  /** Percent-decoding that leaves '+' alone (paths). Malformed escapes are kept literally. */
  public static String decode(String s) {
    return decode(s, false);
  }

  /** Percent-decoding where '+' means space (query strings, form bodies). */
  public static String decodeForm(String s) {
    return decode(s, true);
  }

  private static String decode(String s, boolean plusIsSpace) {
    if (s.indexOf('%') < 0 && (!plusIsSpace || s.indexOf('+') < 0)) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi >= 0 && lo >= 0) {
          out.write((hi << 4) | lo);
          i += 2;
          continue;
        }
      }
      if (c == '+' && plusIsSpace) {
        out.write(' ');
        continue;
      }
      int cp = s.codePointAt(i);
      byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
      out.write(b, 0, b.length);
      i += Character.charCount(cp) - 1;
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
