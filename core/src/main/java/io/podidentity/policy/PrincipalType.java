package io.podidentity.policy;

/**
 * Who makes a request, as far as policy evaluation cares. The names map to the documented values of
 * {@code aws:PrincipalType} where one exists.
 */
public enum PrincipalType {
  /** The account root ({@code arn:aws:iam::ACCOUNT:root}). */
  ACCOUNT("Account"),
  /** An IAM user. */
  USER("User"),
  /** A role session ({@code arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION}). */
  ASSUMED_ROLE("AssumedRole"),
  /** A federated user session (GetFederationToken). */
  FEDERATED_USER("FederatedUser"),
  /** An AWS service principal such as {@code pods.eks.amazonaws.com}; its ARN is that name. */
  SERVICE(null),
  /** An OIDC or SAML federated identity; its ARN is the identity provider (ARN or name). */
  WEB_IDENTITY(null),
  /** An unauthenticated caller. */
  ANONYMOUS("Anonymous");

  private final String awsName;

  PrincipalType(String awsName) {
    this.awsName = awsName;
  }

  /** The value of {@code aws:PrincipalType}, or null where AWS documents none. */
  public String awsName() {
    return awsName;
  }

  /** Whether this is an IAM identity of some account (the kinds an account principal covers). */
  public boolean isIamIdentity() {
    return this == ACCOUNT || this == USER || this == ASSUMED_ROLE || this == FEDERATED_USER;
  }
}
