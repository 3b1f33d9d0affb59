package io.podidentity.http.internal;

import io.podidentity.api.ApiException;
import io.podidentity.sigv4.AuthFailure;

/**
 * How each protocol reports a SigV4 failure. rest-json services answer like API Gateway-fronted AWS
 * services (MissingAuthenticationTokenException, InvalidSignatureException…); Query services like
 * IAM and STS (MissingAuthenticationToken, SignatureDoesNotMatch, InvalidClientTokenId…).
 */
public final class AuthErrors {
  private AuthErrors() {}

  public static ApiException restJson(AuthFailure f, String message) {
    return switch (f) {
      case MISSING -> new ApiException("MissingAuthenticationTokenException", 403, message);
      case INCOMPLETE -> new ApiException("IncompleteSignatureException", 403, message);
      case UNKNOWN_KEY, BAD_TOKEN -> new ApiException("UnrecognizedClientException", 403, message);
      case BAD_SIGNATURE, SIGNATURE_EXPIRED, BAD_SCOPE ->
          new ApiException("InvalidSignatureException", 403, message);
      case EXPIRED_TOKEN -> new ApiException("ExpiredTokenException", 403, message);
    };
  }

  public static ApiException query(AuthFailure f, String message) {
    return switch (f) {
      case MISSING ->
          new ApiException(
              "MissingAuthenticationToken", 403, "Request is missing Authentication Token");
      case INCOMPLETE -> new ApiException("IncompleteSignature", 400, message);
      case UNKNOWN_KEY, BAD_TOKEN -> new ApiException("InvalidClientTokenId", 403, message);
      case BAD_SIGNATURE, SIGNATURE_EXPIRED, BAD_SCOPE ->
          new ApiException("SignatureDoesNotMatch", 403, message);
      case EXPIRED_TOKEN -> new ApiException("ExpiredToken", 400, message);
    };
  }
}
