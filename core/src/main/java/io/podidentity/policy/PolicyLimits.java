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

  /** The size IAM counts for a quota: the number of characters that are not white space. */
  public static int countedSize(String policyText) {
    int n = 0;
    for (int i = 0; i < policyText.length(); i++) {
      if (!Character.isWhitespace(policyText.charAt(i))) {
        n++;
      }
    }
    return n;
  }
}
