package io.podidentity.token.internal;

import java.util.regex.Pattern;

/**
 * Kubernetes object-name rules (k8s.io/apimachinery validation): namespaces are DNS-1123 labels,
 * service accounts, pods and nodes DNS-1123 subdomains. Error messages name the field and quote the
 * bad value, which is a name, never a secret.
 */
public final class KubeNames {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final int LABEL_MAX = 63;
  private static final int SUBDOMAIN_MAX = 253;
  private static final int SHOWN_MAX = 80;

  private KubeNames() {}

  /** Throws IllegalArgumentException unless {@code value} is a DNS-1123 label (a namespace). */
  public static String requireLabel(String field, String value) {
    require(field, value);
    if (value.length() > LABEL_MAX || !LABEL.matcher(value).matches()) {
      throw new IllegalArgumentException(
          field
              + " "
              + shown(value)
              + " is not a valid DNS-1123 label: at most 63 characters of lower-case"
              + " letters, digits and '-', starting and ending with a letter or digit");
    }
    return value;
  }

  /** Throws IllegalArgumentException unless {@code value} is a DNS-1123 subdomain. */
  public static String requireSubdomain(String field, String value) {
    require(field, value);
    if (value.length() > SUBDOMAIN_MAX || !SUBDOMAIN.matcher(value).matches()) {
      throw new IllegalArgumentException(
          field
              + " "
              + shown(value)
              + " is not a valid DNS-1123 subdomain: at most 253 characters of lower-case"
              + " letters, digits, '-' and '.', each part starting and ending with a letter or"
              + " digit");
    }
    return value;
  }

  /** Throws IllegalArgumentException unless {@code value} is a plausible uid (1–128 printable). */
  public static String requireUid(String field, String value) {
    require(field, value);
    if (value.length() > 128 || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(
          field + " " + shown(value) + " must be 1 to 128 printable ASCII characters");
    }
    return value;
  }

  /** Whether {@code value} is a DNS-1123 subdomain. */
  public static boolean isSubdomain(String value) {
    return value != null
        && !value.isEmpty()
        && value.length() <= SUBDOMAIN_MAX
        && SUBDOMAIN.matcher(value).matches();
  }

  private static void require(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(field + " is required");
    }
  }

  private static String shown(String value) {
    String v = value.length() > SHOWN_MAX ? value.substring(0, SHOWN_MAX) + "…" : value;
    StringBuilder sb = new StringBuilder("\"");
    v.codePoints()
        .forEach(
            c -> {
              if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04x", c));
              } else {
                sb.appendCodePoint(c);
              }
            });
    return sb.append('"').toString();
  }
}
