package io.podidentity.policy.internal;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Typed parsing of condition values. Every parser returns null for text it does not accept and
 * never throws; inputs are length-bounded and numbers exponent-bounded so that no value can make a
 * comparison expensive (BigDecimal comparison cost grows with the exponent difference).
 */
public final class Values {
  private static final int MAX_LEN = 128;
  private static final Pattern NUMBER =
      Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d{1,3})?");
  private static final Pattern EPOCH = Pattern.compile("-?\\d{1,15}(\\.\\d{1,9})?");
  private static final Pattern IP_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

  private Values() {}

  /** A number for the Numeric operators: integers and decimals (AWS documents both). */
  public static BigDecimal number(String s) {
    if (s == null || s.length() > MAX_LEN || !NUMBER.matcher(s).matches()) {
      return null;
    }
    try {
      return new BigDecimal(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * A date for the Date operators: W3C/ISO 8601 forms ({@code 2020-01-01}, {@code
   * 2020-01-01T00:00:00Z}, with fractions or an offset; no zone means UTC) or epoch seconds.
   */
  public static Instant date(String s) {
    if (s == null || s.isEmpty() || s.length() > 64) {
      return null;
    }
    try {
      if (EPOCH.matcher(s).matches()) {
        BigDecimal secs = new BigDecimal(s);
        long whole = secs.longValue();
        int nanos = secs.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
        return Instant.ofEpochSecond(whole, nanos);
      }
      if (s.length() == 10) {
        return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      String t = s.toUpperCase(Locale.ROOT);
      if (t.endsWith("Z") || t.lastIndexOf('+') > 10 || t.lastIndexOf('-') > 10) {
        return OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      }
      return LocalDateTime.parse(t, DateTimeFormatter.ISO_LOCAL_DATE_TIME)
          .toInstant(ZoneOffset.UTC);
    } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
      return null;
    }
  }

  /** {@code true}/{@code false}, case-insensitively, for Bool and Null. */
  public static Boolean bool(String s) {
    if ("true".equalsIgnoreCase(s)) {
      return Boolean.TRUE;
    }
    if ("false".equalsIgnoreCase(s)) {
      return Boolean.FALSE;
    }
    return null;
  }

  /** Base64 for BinaryEquals. */
  public static byte[] binary(String s) {
    if (s == null || s.length() > 4096) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** An IPv4 or IPv6 network ({@code 203.0.113.0/24}, {@code 2001:db8::/32}, or one address). */
  public record Cidr(byte[] network, int prefix) {
    /** Whether {@code address} (raw bytes) is inside this network. */
    public boolean contains(byte[] address) {
      if (address == null || address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rem = prefix % 8;
      if (rem == 0) {
        return true;
      }
      int mask = (0xff << (8 - rem)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  /** A network in CIDR notation, or a single address; null if invalid. */
  public static Cidr cidr(String s) {
    if (s == null || s.length() > MAX_LEN) {
      return null;
    }
    int slash = s.indexOf('/');
    byte[] addr = address(slash < 0 ? s : s.substring(0, slash));
    if (addr == null) {
      return null;
    }
    int max = addr.length * 8;
    int prefix = max;
    if (slash >= 0) {
      String p = s.substring(slash + 1);
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
        return null;
      }
      prefix = Integer.parseInt(p);
      if (prefix > max) {
        return null;
      }
    }
    return new Cidr(addr, prefix);
  }

  /**
   * An IP address literal as bytes (4 or 16), or null. Never resolves names: IPv4 is parsed here,
   * and IPv6 text is only handed to {@link InetAddress} once it is known to be a literal (hex
   * digits, colons, dots, starting with a hex digit or colon), which the JDK then parses without a
   * lookup.
   */
  public static byte[] address(String s) {
    if (s == null || s.isEmpty() || s.length() > 64) {
      return null;
    }
    if (s.indexOf(':') < 0) {
      return ipv4(s);
    }
    if (!IP_CHARS.matcher(s).matches()) {
      return null;
    }
    char first = s.charAt(0);
    if (first != ':' && Character.digit(first, 16) < 0) {
      return null;
    }
    try {
      byte[] b = InetAddress.getByName(s).getAddress();
      return b;
    } catch (UnknownHostException | RuntimeException e) {
      return null;
    }
  }

  private static byte[] ipv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] b = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        return null;
      }
      b[i] = (byte) v;
    }
    return b;
  }
}
