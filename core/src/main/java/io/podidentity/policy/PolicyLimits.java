package io.podidentity.policy;

import io.podidentity.policy.internal.PolicyParser;

/**
 * IAM's size quotas for policy documents (IAM User Guide, "IAM and AWS STS quotas",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). IAM does not count
 * white space toward these quotas; {@link #countedSize} computes the size the way it does.
 */
public final class PolicyLimits {
  /** Role trust policy length (default quota; AWS allows raising it to 8,192 on request). */
  public static final int TRUST_POLICY_MAX_CHARS = 2_048;

  /** Aggregate size of all inline policies of one role. */
  public static final int ROLE_INLINE_POLICIES_MAX_CHARS = 10_240;

  /** Managed policy size. */
  public static final int MANAGED_POLICY_MAX_CHARS = 6_144;

  /** Size of an inline session policy passed to AssumeRole. */
  public static final int SESSION_POLICY_MAX_CHARS = 2_048;

  /** The parser rejects longer text outright, whatever the kind (far above every quota). */
  public static final int MAX_PARSE_CHARS = PolicyParser.MAX_DOCUMENT_CHARS;

  private PolicyLimits() {}

  /**
   * The size IAM counts for a quota: the number of characters (Unicode code points) that are not
   * white space.
   */
  public static int countedSize(String policyText) {
    return (int) policyText.codePoints().filter(c -> !Character.isWhitespace(c)).count();
  }

  /**
   * Whether the text uses only the characters IAM allows in a policy document: tab, line feed,
   * carriage return and U+0020 to U+00FF ("IAM name requirements" on the same page). IAM checks
   * this at the API parameter level and answers {@code ValidationError}, not {@code
   * MalformedPolicyDocument}, so {@link PolicyDocument#parse} leaves it to the API layer.
   */
  public static boolean usesOnlyAllowedCharacters(String policyText) {
    for (int i = 0; i < policyText.length(); i++) {
      char c = policyText.charAt(i);
      if (!(c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xff))) {
        return false;
      }
    }
    return true;
  }

  /** Whether a trust policy's text is within {@link #TRUST_POLICY_MAX_CHARS}. */
  public static boolean trustPolicyWithinLimit(String policyText) {
    return countedSize(policyText) <= TRUST_POLICY_MAX_CHARS;
  }

  /**
   * Whether a role's inline policy texts together are within {@link
   * #ROLE_INLINE_POLICIES_MAX_CHARS}.
   */
  public static boolean roleInlinePoliciesWithinLimit(Iterable<String> policyTexts) {
    long total = 0;
    for (String t : policyTexts) {
      total += countedSize(t);
    }
    return total <= ROLE_INLINE_POLICIES_MAX_CHARS;
  }
}
