package io.podidentity.http;

import io.podidentity.auth.Caller;
import java.util.Map;

/**
 * A service spoken in the AWS Query protocol (IAM, STS): form-encoded {@code Action=...} requests,
 * XML answers. Errors are thrown as {@link io.podidentity.api.ApiException} and wrapped in the
 * Query envelope by the front door ({@link io.podidentity.http.internal.QueryXml}).
 */
public interface QueryService {
  /** The SigV4 signing name ({@code iam} or {@code sts}). */
  String signingName();

  /**
   * The XML namespace of this service's responses, e.g. https://iam.amazonaws.com/doc/2010-05-08/.
   */
  String xmlNamespace();

  /**
   * Handles one action. {@code params} holds every form/query parameter, decoded. Returns the
   * complete XML document of a successful response.
   */
  String handle(Caller caller, Map<String, String> params, String requestId);

  /** The code of this service's own faults in the Query envelope (STS: InternalFailure). */
  default String internalFailureCode() {
    return "InternalFailure";
  }
}
