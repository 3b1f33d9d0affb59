package io.podidentity.association;

import io.podidentity.api.ApiException;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The constraints EKS enforces on association inputs, enforced here on the server because the SDKs
 * check almost nothing (aws-wire-protocols.md §0.1). Every failure is an InvalidParameterException
 * naming the parameter and the bad value.
 */
public final class AssociationRules {
  /** Associations per cluster (EKS user guide, "EKS Pod Identity considerations"). */
  public static final int MAX_PER_CLUSTER = 5_000;

  public static final int MAX_POLICY_LENGTH = 2_048;

  private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  // arn:PARTITION:iam::ACCOUNT:role/PATH/NAME; IAM role names are [\w+=,.@-]{1,64}, paths are
  // /-delimited printable ASCII up to 512 characters (IAM API reference, CreateRole).
  private static final Pattern ROLE_ARN =
      Pattern.compile(
          "arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):iam::([0-9]{12})?:role/((?:[\\x21-\\x7E&&[^/]]+/)*)([\\w+=,.@-]{1,64})");
  private static final Pattern ASSOCIATION_ID = Pattern.compile("a-[a-z0-9]{17}");
  private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private AssociationRules() {}

  /** A namespace is a DNS-1123 label (Kubernetes API conventions). */
  public static void namespace(String ns) {
    if (ns.isEmpty() || ns.length() > 63 || !DNS1123_LABEL.matcher(ns).matches()) {
      throw ApiException.invalidParameter(
          "Invalid namespace: '"
              + clip(ns)
              + "'. A namespace must be a DNS-1123 label: at most 63 lowercase letters, digits or"
              + " '-', starting and ending with a letter or digit.");
    }
  }

  /** A service account name is a DNS-1123 subdomain. */
  public static void serviceAccount(String sa) {
    if (sa.isEmpty() || sa.length() > 253 || !DNS1123_SUBDOMAIN.matcher(sa).matches()) {
      throw ApiException.invalidParameter(
          "Invalid service account: '"
              + clip(sa)
              + "'. A service account name must be a DNS-1123 subdomain: at most 253 lowercase"
              + " letters, digits, '-' or '.', starting and ending with a letter or digit.");
    }
  }

  /** A parsed IAM role ARN. {@code accountId} is empty for Ceph RGW's account-less ARNs. */
  public record RoleArn(String partition, String accountId, String path, String name) {}

  /** Parses an IAM role ARN; {@code param} names the parameter in the error. */
  public static RoleArn roleArn(String param, String arn, boolean allowAccountless) {
    Matcher m = arn.length() > 2048 ? null : ROLE_ARN.matcher(arn);
    if (m == null || !m.matches() || (m.group(2) == null && !allowAccountless)) {
      throw ApiException.invalidParameter(
          "Invalid "
              + param
              + ": '"
              + clip(arn)
              + "'. Expected an IAM role ARN such as arn:aws:iam::111122223333:role/my-role.");
    }
    String path = "/" + m.group(3);
    if (path.length() > 512) {
      throw ApiException.invalidParameter(param + " has a path longer than 512 characters.");
    }
    return new RoleArn(m.group(1), m.group(2) == null ? "" : m.group(2), path, m.group(4));
  }

  /** Tags on an association: 1–50, keys 1–128 characters without aws:, values at most 256. */
  public static void tags(Map<String, String> tags) {
    if (tags.isEmpty() || tags.size() > 50) {
      throw ApiException.invalidParameter(
          "tags must have between 1 and 50 entries, had " + tags.size() + ".");
    }
    for (Map.Entry<String, String> e : tags.entrySet()) {
      String k = e.getKey();
      if (k.isEmpty() || k.length() > 128) {
        throw ApiException.invalidParameter(
            "Tag keys must be 1 to 128 characters long: '" + clip(k) + "'.");
      }
      if (k.toLowerCase(Locale.ROOT).startsWith("aws:")) {
        throw ApiException.invalidParameter(
            "Tag keys may not start with the reserved prefix aws: ('" + clip(k) + "').");
      }
      if (e.getValue().length() > 256) {
        throw ApiException.invalidParameter(
            "Tag values must be at most 256 characters long (key '" + clip(k) + "').");
      }
    }
  }

  /** "The parameter associationId should be 19 characters long." as EKS says it. */
  public static void associationId(String id) {
    if (id.length() != 19) {
      throw ApiException.invalidParameter(
          "The parameter associationId should be 19 characters long.");
    }
    if (!ASSOCIATION_ID.matcher(id).matches()) {
      throw ApiException.invalidParameter(
          "The parameter associationId must be 'a-' followed by 17 lowercase letters or digits.");
    }
  }

  /** {@code a-} + 17 characters of [a-z0-9], as EKS makes them. */
  public static String newAssociationId() {
    StringBuilder sb = new StringBuilder("a-");
    for (int i = 0; i < 17; i++) {
      sb.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
    }
    return sb.toString();
  }

  static String clip(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "..." : s;
  }
}
