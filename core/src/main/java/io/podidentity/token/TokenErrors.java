package io.podidentity.token;

import io.podidentity.api.ApiException;

/**
 * The EKS Auth errors of token verification (aws-models/eks-auth 2023-11-26: all 400, rest-json).
 * Messages start with the model's documentation sentence and add a short fixed reason; they never
 * contain the token or any part of it.
 */
public final class TokenErrors {
  public static final String INVALID_TOKEN = "InvalidTokenException";
  public static final String EXPIRED_TOKEN = "ExpiredTokenException";
  public static final String INVALID_PARAMETER = "InvalidParameterException";
  public static final String SERVICE_UNAVAILABLE = "ServiceUnavailableException";

  /** The model's documentation of InvalidTokenException. */
  public static final String INVALID_MESSAGE =
      "The specified Kubernetes service account token is invalid.";

  /** The model's documentation of ExpiredTokenException. */
  public static final String EXPIRED_MESSAGE =
      "The specified Kubernetes service account token is expired.";

  private TokenErrors() {}

  /** InvalidTokenException (400) with a short reason, e.g. "Signature verification failed." */
  public static ApiException invalid(String reason) {
    return new ApiException(INVALID_TOKEN, 400, INVALID_MESSAGE + " " + reason);
  }

  /** ExpiredTokenException (400). */
  public static ApiException expired() {
    return new ApiException(EXPIRED_TOKEN, 400, EXPIRED_MESSAGE);
  }

  /** InvalidParameterException (400): the token parameter breaks the model's JwtToken shape. */
  public static ApiException invalidParameter(String reason) {
    return new ApiException(INVALID_PARAMETER, 400, reason);
  }

  /** ServiceUnavailableException (503): the cluster's signing keys are not available yet. */
  public static ApiException keysUnavailable() {
    return new ApiException(
        SERVICE_UNAVAILABLE,
        503,
        "The cluster's service account signing keys could not be loaded yet. Retry later.");
  }
}
