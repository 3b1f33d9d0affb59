package io.podidentity.agent.internal;

import io.podidentity.api.ApiException;
import java.util.Set;

/**
 * The errors the agent answers {@code /v1/credentials} with, and how EKS Auth errors map to them.
 *
 * <p>The rule (aws-wire-protocols.md §4.0): 4xx only for faults that retrying cannot fix, 429/5xx
 * only for transient ones, because the SDKs retry 5xx (Java, Go, JS, botocore) and fail fast on 4xx
 * (Java, Go). Departures from AWS's agent, which passes EKS Auth's status through:
 *
 * <ul>
 *   <li>{@code ResourceNotFoundException} (no association) is sent as 403, not 404: the Java SDK
 *       replaces the message of a 404 with "The requested metadata is not found at URL", which
 *       sends users looking for a wrong agent URL instead of a missing association.
 *   <li>{@code AccessDeniedException} is sent as 403 (EKS Auth uses 400).
 *   <li>{@code ThrottlingException} (429 upstream) is sent as 503: the Java SDK retries 5xx but not
 *       429, and the agent's own limits are what should push back on pods.
 *   <li>{@code InternalServerException} becomes 502: the fault is the server's, not the agent's.
 *   <li>Network failures are 503 (unreachable) or 504 (timeout) rather than AWS's 500 with body
 *       {@code []}.
 * </ul>
 */
public final class AgentErrors {
  private AgentErrors() {}

  /**
   * Errors after which a cached entry is dropped: no retry can make them succeed. The four EKS Auth
   * codes AWS's agent treats as irrecoverable, and the agent's own token checks (a cached pod's
   * token expiring locally means the pod is gone or has a new token).
   */
  public static final Set<String> EVICTING =
      Set.of(
          "ResourceNotFoundException",
          "InvalidTokenException",
          "ExpiredTokenException",
          "AccessDeniedException",
          "InvalidToken",
          "ExpiredToken");

  public static ApiException missingToken() {
    return new ApiException(
        "MissingToken",
        400,
        "The Authorization header is missing or empty; it must hold the pod's service account"
            + " token (the contents of AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE).");
  }

  public static ApiException invalidHost(String host, Set<String> allowed) {
    return new ApiException(
        "InvalidHost",
        403,
        "Access denied: the agent was called through the host '"
            + clip(host, 100)
            + "'; use one of "
            + allowed.stream().sorted().toList()
            + ".");
  }

  public static ApiException invalidToken(String why) {
    return new ApiException(
        "InvalidToken", 400, "The service account token cannot be parsed: " + why + ".");
  }

  public static ApiException expiredToken(String why) {
    return new ApiException("ExpiredToken", 400, "The service account token " + why + ".");
  }

  public static ApiException tokenRateLimited() {
    return new ApiException(
        "TooManyRequests",
        429,
        "Too many credential requests for this token reached the server; retry in a few seconds.");
  }

  public static ApiException agentRateLimited() {
    return new ApiException(
        "SlowDown", 503, "The agent is limiting its calls to the server; retry in a few seconds.");
  }

  public static ApiException unreachable(String endpoint, String why) {
    return new ApiException(
        "ServerUnreachable", 503, "The server at " + endpoint + " is unreachable: " + why + ".");
  }

  public static ApiException timeout(String endpoint) {
    return new ApiException(
        "ServerTimeout", 504, "The server at " + endpoint + " did not answer in time.");
  }

  public static ApiException badResponse(String why) {
    return new ApiException(
        "BadServerResponse", 502, "The server's EKS Auth answer was unusable: " + why + ".");
  }

  /**
   * Maps an EKS Auth error (its code, HTTP status and message) to the agent's answer. The code is
   * kept so that users can look it up; the status follows the rule above.
   */
  public static ApiException fromEksAuth(String code, int status, String message, String reqId) {
    String msg =
        (message == null || message.isBlank() ? "(no message)" : clip(message, 512))
            + (reqId == null || reqId.isBlank()
                ? ""
                : " [server request id " + clip(reqId, 64) + "]");
    String c = code == null || code.isBlank() ? "" : code;
    return switch (c) {
      case "InvalidTokenException", "ExpiredTokenException" -> new ApiException(c, 400, msg);
      case "InvalidParameterException", "InvalidRequestException" -> new ApiException(c, 400, msg);
      case "AccessDeniedException" -> new ApiException(c, 403, msg);
      case "ResourceNotFoundException" ->
          new ApiException(c, 403, "No pod identity association applies to this pod: " + msg);
      case "ThrottlingException" -> new ApiException(c, 503, msg);
      case "ServiceUnavailableException" -> new ApiException(c, 503, msg);
      case "InternalServerException" -> new ApiException(c, 502, msg);
      default -> {
        String shown = c.isEmpty() ? "HTTP " + status : c + " (HTTP " + status + ")";
        if (status >= 500) {
          yield new ApiException(
              c.isEmpty() ? "ServerError" : c, 502, "Server error " + shown + ": " + msg);
        }
        // 4xx the agent cannot explain by the pod's token: the server rejected the agent itself
        // (bad signature, unknown key, wrong cluster). Fixable by the operator, so retryable.
        yield new ApiException(
            "ServerRejectedAgent",
            500,
            "The server rejected the agent's request with "
                + shown
                + ": "
                + msg
                + " Check the agent's credentials, region and cluster name.");
      }
    };
  }

  /** True for errors a retry may fix (429, 5xx). */
  public static boolean isTransient(ApiException e) {
    return e.status() == 429 || e.status() >= 500;
  }

  static String clip(String s, int max) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), max));
    for (int i = 0; i < s.length() && b.length() < max; i++) {
      char ch = s.charAt(i);
      b.append(ch < 0x20 || ch == 0x7f ? '?' : ch);
    }
    return s.length() > max ? b + "..." : b.toString();
  }
}
