package io.podidentity.auth;

/**
 * Decides whether a caller may perform an action ({@code service:Operation}) on a resource ARN.
 * Implementations: the static rules for the admin and agent keys, and (with the builtin issuer's
 * IAM) the role session's policies.
 */
@FunctionalInterface
public interface Authorizer {
  boolean isAllowed(Caller caller, String action, String resourceArn);

  /** Admin may do everything; the agent key only AssumeRoleForPodIdentity; sessions nothing. */
  static Authorizer builtinKeys() {
    return (caller, action, resource) ->
        switch (caller.kind()) {
          case ADMIN -> true;
          case AGENT -> action.equalsIgnoreCase("eks-auth:AssumeRoleForPodIdentity");
          case ROLE_SESSION -> false;
        };
  }
}
