package io.podidentity.policy;

/** Which kind of policy a document is; decides which elements it must and must not have. */
public enum PolicyKind {
  /**
   * An identity-based policy: a role's inline or managed permission policy, or a session policy. It
   * has Action/NotAction and Resource/NotResource, and must not name a Principal.
   */
  IDENTITY,
  /**
   * A role's trust policy (its resource-based policy): it must name a Principal or NotPrincipal,
   * and must not have Resource or NotResource (the resource is the role itself).
   */
  TRUST
}
