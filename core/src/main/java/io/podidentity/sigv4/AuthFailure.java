package io.podidentity.sigv4;

/**
 * Why a request failed SigV4 authentication, independent of protocol. Each protocol maps a failure
 * to its own error code: rest-json (EKS, EKS Auth) uses e.g. {@code InvalidSignatureException}, the
 * Query protocol (IAM, STS) uses e.g. {@code SignatureDoesNotMatch}.
 */
public enum AuthFailure {
  /** No Authorization header (and no presigned query). */
  MISSING,
  /** The Authorization header is present but cannot be parsed, or a required part is absent. */
  INCOMPLETE,
  /** The access key id is not known. */
  UNKNOWN_KEY,
  /** The signature does not match the one computed for the request. */
  BAD_SIGNATURE,
  /** X-Amz-Date is more than 15 minutes away from the server's clock. */
  SIGNATURE_EXPIRED,
  /** The credential scope (date, region, service) does not fit the request. */
  BAD_SCOPE,
  /** Temporary credentials whose session has expired. */
  EXPIRED_TOKEN,
  /** Temporary credentials used without, or with a wrong, X-Amz-Security-Token. */
  BAD_TOKEN
}
