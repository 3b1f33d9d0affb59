package io.podidentity.iam.internal;

import io.podidentity.api.ApiException;

/**
 * IAM's error codes with their HTTP statuses and AWS's wording (IAM API Reference, "Common Errors"
 * and each action's Errors section).
 */
public final class IamErrors {
  private IamErrors() {}

  public static ApiException noSuchRole(String name) {
    return new ApiException(
        "NoSuchEntity", 404, "The role with name " + Params.echo(name) + " cannot be found.");
  }

  public static ApiException noSuchRolePolicy(String policyName) {
    return new ApiException(
        "NoSuchEntity",
        404,
        "The role policy with name " + Params.echo(policyName) + " cannot be found.");
  }

  public static ApiException roleExists(String name) {
    return new ApiException(
        "EntityAlreadyExists", 409, "Role with name " + Params.echo(name) + " already exists.");
  }

  public static ApiException deleteConflict() {
    return new ApiException(
        "DeleteConflict", 409, "Cannot delete entity, must delete policies first.");
  }

  public static ApiException limitExceeded(String message) {
    return new ApiException("LimitExceeded", 409, message);
  }

  public static ApiException invalidInput(String message) {
    return new ApiException("InvalidInput", 400, message);
  }

  /** A Smithy-style constraint failure, as IAM and STS word them. */
  public static ApiException validation(String message) {
    return new ApiException("ValidationError", 400, message);
  }

  /** "1 validation error detected: Value 'v' at 'member' failed to satisfy constraint: ..." */
  public static ApiException constraint(String member, String value, String constraint) {
    String v = value == null ? "null" : "'" + Params.echo(value) + "'";
    return validation(
        "1 validation error detected: Value "
            + v
            + " at '"
            + member
            + "' failed to satisfy constraint: "
            + constraint);
  }

  public static ApiException accessDenied(String message) {
    return new ApiException("AccessDenied", 403, message);
  }
}
