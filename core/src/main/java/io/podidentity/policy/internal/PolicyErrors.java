package io.podidentity.policy.internal;

import io.podidentity.api.ApiException;

/** The one error the policy parser raises: IAM's {@code MalformedPolicyDocument}, HTTP 400. */
public final class PolicyErrors {
  /** The IAM error code for an invalid policy document. */
  public static final String CODE = "MalformedPolicyDocument";

  private static final int MAX_ECHO = 128;

  private PolicyErrors() {}

  /** A MalformedPolicyDocument with {@code reason} as its message. */
  public static ApiException malformed(String reason) {
    return new ApiException(CODE, 400, reason);
  }

  /** AWS's message for text that is not well-formed JSON. */
  public static ApiException syntax() {
    return malformed("Syntax errors in policy.");
  }

  /** Shortens caller-supplied text echoed in a message so an error cannot be used to amplify. */
  public static String echo(String s) {
    StringBuilder b = new StringBuilder();
    int n = Math.min(s.length(), MAX_ECHO);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f || Character.isSurrogate(c) ? '?' : c);
    }
    if (s.length() > MAX_ECHO) {
      b.append("...");
    }
    return b.toString();
  }
}
