package io.podidentity.issuer.internal;

import io.podidentity.api.ApiException;
import io.podidentity.issuer.UpstreamFailure;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Maps what an STS AssumeRole call failed with to EKS Auth's errors (aws-wire-protocols.md §2), in
 * one place. The caller-visible message is built from the role ARN, the STS error code and the STS
 * request id only; STS's own message (which names the server's identity) goes to the {@link
 * UpstreamFailure} cause for logs and the audit record.
 *
 * <table>
 *   <caption>STS outcome → EKS Auth error</caption>
 *   <tr><th>STS</th><th>code</th><th>status</th></tr>
 *   <tr><td>AccessDenied</td><td>AccessDeniedException</td><td>400</td></tr>
 *   <tr><td>Throttling, ThrottlingException, RequestLimitExceeded, HTTP 429</td>
 *       <td>ThrottlingException</td><td>429</td></tr>
 *   <tr><td>unreachable, timeout, HTTP 5xx</td><td>ServiceUnavailableException</td><td>503</td></tr>
 *   <tr><td>PackedPolicyTooLarge, MalformedPolicyDocument</td><td>InvalidParameterException</td>
 *       <td>400</td></tr>
 *   <tr><td>anything else</td><td>InternalServerException</td><td>500</td></tr>
 * </table>
 */
public final class StsErrors {
  /** The real service's message, as seen through the agent (eks-pod-identity-agent#139). */
  public static final String ACCESS_DENIED_MESSAGE =
      "Unauthorized Exception! EKS does not have permissions to assume the associated role.";

  static final Set<String> THROTTLING_CODES =
      Set.of(
          "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException");
  static final Set<String> OWN_CREDENTIAL_CODES =
      Set.of(
          "InvalidClientTokenId",
          "SignatureDoesNotMatch",
          "ExpiredToken",
          "ExpiredTokenException",
          "InvalidAccessKeyId",
          "IncompleteSignature",
          "MissingAuthenticationToken");
  private static final int UPSTREAM_MESSAGE_LIMIT = 512;
  private static final int RAW_BODY_LIMIT = 16 * 1024;
  private static final Pattern CODE = Pattern.compile("<Code>([A-Za-z0-9.:_-]{1,128})</Code>");
  private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]{0,1024})</Message>");

  private StsErrors() {}

  /**
   * The ApiException for a failed AssumeRole of {@code roleArn}.
   *
   * @param budget the time budget the call ran under, named in timeout messages
   */
  public static ApiException map(SdkException e, String roleArn, Duration budget) {
    if (e instanceof AwsServiceException ase) {
      return mapService(ase, roleArn);
    }
    if (isTimeout(e)) {
      return unavailable(
          "Timeout",
          "STS did not answer the AssumeRole of "
              + roleArn
              + " within "
              + budget.toMillis()
              + " ms; retry later.",
          e);
    }
    if (hasCause(e, IOException.class)) {
      return unavailable(
          "ConnectionFailure",
          "STS could not be reached to assume " + roleArn + "; retry later.",
          e);
    }
    // Not an answer from STS and not the network: most often the server's own credentials could
    // not be loaded from the default chain.
    UpstreamFailure cause =
        new UpstreamFailure("ClientError", 0, null, clip("AssumeRole " + roleArn + ": " + e));
    return new ApiException(
        "InternalServerException",
        500,
        "The server could not call STS to assume "
            + roleArn
            + ": "
            + clientHint(e)
            + " Check the server's own AWS credentials and STS configuration.",
        cause);
  }

  private static ApiException mapService(AwsServiceException ase, String roleArn) {
    String code = errorCode(ase);
    int status = ase.statusCode();
    String requestId = ase.requestId();
    String upstreamMessage = errorMessage(ase);
    UpstreamFailure cause =
        new UpstreamFailure(
            code,
            status,
            requestId,
            clip(
                "AssumeRole "
                    + roleArn
                    + ": STS "
                    + code
                    + " (HTTP "
                    + status
                    + requestIdText(requestId)
                    + ")"
                    + (upstreamMessage == null ? "" : ": " + upstreamMessage)));
    String rid = requestId == null ? "" : " (STS request id: " + requestId + ")";

    if ("AccessDenied".equals(code) || "AccessDeniedException".equals(code)) {
      return new ApiException(
          "AccessDeniedException",
          400,
          ACCESS_DENIED_MESSAGE
              + " STS refused to let the server assume "
              + roleArn
              + ": the role's trust policy must allow the server's identity sts:AssumeRole and"
              + " sts:TagSession (sts:AssumeRole alone with disableSessionTags), and that"
              + " identity's own policy must allow them on the role."
              + rid,
          cause);
    }
    if (THROTTLING_CODES.contains(code) || status == 429) {
      return new ApiException(
          "ThrottlingException",
          429,
          "STS throttled the request to assume " + roleArn + "; retry later." + rid,
          cause);
    }
    if ("PackedPolicyTooLarge".equals(code) || "PackedPolicyTooLargeException".equals(code)) {
      return new ApiException(
          "InvalidParameterException",
          400,
          "STS refused the session for "
              + roleArn
              + ": the session tags and session policy exceed the packed size limit"
              + " (PackedPolicyTooLarge). Set disableSessionTags on the pod identity association,"
              + " or shorten its policy."
              + rid,
          cause);
    }
    if ("MalformedPolicyDocument".equals(code) || "MalformedPolicyDocumentException".equals(code)) {
      // The association's session policy is at fault and a retry cannot help: a 4xx, so the
      // agent does not retry it like a 5xx.
      return new ApiException(
          "InvalidParameterException",
          400,
          "STS refused the pod identity association's policy as a session policy for "
              + roleArn
              + " (MalformedPolicyDocument)."
              + rid,
          cause);
    }
    if (status >= 500) {
      return new ApiException(
          "ServiceUnavailableException",
          503,
          "STS is unavailable (" + code + ") to assume " + roleArn + "; retry later." + rid,
          cause);
    }
    if (OWN_CREDENTIAL_CODES.contains(code)) {
      return new ApiException(
          "InternalServerException",
          500,
          "STS rejected the server's own credentials ("
              + code
              + "); check the AWS identity the server runs with."
              + rid,
          cause);
    }
    return new ApiException(
        "InternalServerException",
        500,
        "STS AssumeRole of " + roleArn + " failed with " + code + "." + rid,
        cause);
  }

  /**
   * The STS error code. The SDK finds it in AWS's {@code <ErrorResponse><Error><Code>}; some
   * STS-compatible servers (moto's IAM enforcement among them) nest it in {@code
   * <ErrorResponse><Errors><Error>}, which the SDK does not read: then the first {@code <Code>} of
   * the raw body, else "HTTP" and the status.
   */
  public static String errorCode(AwsServiceException ase) {
    AwsErrorDetails d = ase.awsErrorDetails();
    if (d != null && d.errorCode() != null && !d.errorCode().isBlank()) {
      return d.errorCode();
    }
    String raw = rawElement(d, CODE);
    return raw != null ? raw : "HTTP" + ase.statusCode();
  }

  /** The STS error message, found like {@link #errorCode}; null when there is none. */
  public static String errorMessage(AwsServiceException ase) {
    AwsErrorDetails d = ase.awsErrorDetails();
    if (d != null && d.errorCode() != null && !d.errorCode().isBlank()) {
      return d.errorMessage();
    }
    return rawElement(d, MESSAGE);
  }

  private static String rawElement(AwsErrorDetails d, Pattern element) {
    if (d == null || d.rawResponse() == null) {
      return null;
    }
    byte[] body = d.rawResponse().asByteArrayUnsafe();
    String text =
        new String(body, 0, Math.min(body.length, RAW_BODY_LIMIT), StandardCharsets.UTF_8);
    Matcher m = element.matcher(text);
    return m.find() ? m.group(1).trim() : null;
  }

  private static ApiException unavailable(String code, String message, SdkException e) {
    UpstreamFailure cause =
        new UpstreamFailure(code, 0, null, clip(message + " " + rootMessage(e)));
    return new ApiException("ServiceUnavailableException", 503, message, cause);
  }

  static boolean isTimeout(Throwable e) {
    return e instanceof ApiCallTimeoutException
        || e instanceof ApiCallAttemptTimeoutException
        || hasCause(e, SocketTimeoutException.class)
        || hasCause(e, ApiCallAttemptTimeoutException.class);
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static String clientHint(SdkException e) {
    String m = String.valueOf(e.getMessage());
    // The SDK's messages name providers and settings, never secret values; keep the first line.
    int nl = m.indexOf('\n');
    return clip(nl < 0 ? m : m.substring(0, nl));
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return "(" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }

  private static String requestIdText(String requestId) {
    return requestId == null ? "" : ", request id " + requestId;
  }

  private static String clip(String s) {
    return s.length() <= UPSTREAM_MESSAGE_LIMIT ? s : s.substring(0, UPSTREAM_MESSAGE_LIMIT) + "…";
  }
}
