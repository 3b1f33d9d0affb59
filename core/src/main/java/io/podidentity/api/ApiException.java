package io.podidentity.api;

import java.util.Objects;

/**
 * The one exception type for errors that reach an API caller: an AWS error code (the shape name,
 * e.g. {@code ResourceNotFoundException}), the HTTP status it travels with, and a message safe to
 * show the caller. Each protocol maps it to its own envelope in exactly one place (rest-json in the
 * server's http package, the Query XML envelope for IAM/STS).
 *
 * <p>The message never contains a secret: callers build it from names and ids only.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final int status;

  public ApiException(String code, int status, String message) {
    super(message, null, false, false);
    this.code = Objects.requireNonNull(code, "code");
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status must be 4xx or 5xx, was " + status);
    }
    this.status = status;
  }

  public ApiException(String code, int status, String message, Throwable cause) {
    super(message, cause, false, false);
    this.code = Objects.requireNonNull(code, "code");
    this.status = status;
  }

  /** The AWS error code, e.g. {@code InvalidParameterException}. */
  public String code() {
    return code;
  }

  /** The HTTP status this error is sent with. */
  public int status() {
    return status;
  }

  // Common rest-json errors of the EKS and EKS Auth APIs (aws-models/eks, aws-models/eks-auth).

  public static ApiException invalidParameter(String message) {
    return new ApiException("InvalidParameterException", 400, message);
  }

  public static ApiException invalidRequest(String message) {
    return new ApiException("InvalidRequestException", 400, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException("ResourceNotFoundException", 404, message);
  }

  public static ApiException inUse(String message) {
    return new ApiException("ResourceInUseException", 409, message);
  }

  public static ApiException limitExceeded(String message) {
    return new ApiException("ResourceLimitExceededException", 400, message);
  }

  @Override
  public String toString() {
    return "ApiException{" + code + " " + status + ": " + getMessage() + "}";
  }
}
