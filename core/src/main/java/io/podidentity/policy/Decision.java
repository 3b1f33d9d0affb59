package io.podidentity.policy;

/**
 * The outcome of an evaluation, named as SimulatePrincipalPolicy's {@code EvalDecision} values
 * ({@code allowed}, {@code explicitDeny}, {@code implicitDeny}).
 */
public enum Decision {
  ALLOWED("allowed"),
  EXPLICIT_DENY("explicitDeny"),
  IMPLICIT_DENY("implicitDeny");

  private final String awsName;

  Decision(String awsName) {
    this.awsName = awsName;
  }

  /** The value IAM's SimulatePrincipalPolicy returns in {@code EvalDecision}. */
  public String awsName() {
    return awsName;
  }
}
