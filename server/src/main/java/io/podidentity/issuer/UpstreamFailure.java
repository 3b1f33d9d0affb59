package io.podidentity.issuer;

import io.podidentity.api.ApiException;
import java.util.Objects;
import java.util.Optional;

/**
 * What an upstream credential service (an external STS) answered when an issuer failed: attached as
 * the cause of the {@link ApiException} the issuer throws, so that the audit record can keep the
 * upstream request id and code of a refusal as it does for an issuance ({@link
 * IssuedCredentials#upstreamRequestId()}).
 *
 * <p>Its message, like the ApiException's, holds names and ids only, never a secret.
 */
public final class UpstreamFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String upstreamCode;
  private final int upstreamStatus;
  private final String upstreamRequestId;

  /**
   * @param upstreamCode the upstream error code, e.g. {@code AccessDenied}, or a client-side
   *     condition such as {@code ConnectionFailure} / {@code Timeout}
   * @param upstreamStatus the HTTP status the upstream answered, 0 when it did not answer
   * @param upstreamRequestId the upstream request id, null when there was none
   * @param message what happened, secret-free
   */
  public UpstreamFailure(
      String upstreamCode, int upstreamStatus, String upstreamRequestId, String message) {
    super(message, null, false, false);
    this.upstreamCode = Objects.requireNonNull(upstreamCode, "upstreamCode");
    this.upstreamStatus = upstreamStatus;
    this.upstreamRequestId = upstreamRequestId;
  }

  public String upstreamCode() {
    return upstreamCode;
  }

  /** The HTTP status the upstream answered; 0 when it was not reached or did not answer. */
  public int upstreamStatus() {
    return upstreamStatus;
  }

  public Optional<String> upstreamRequestId() {
    return Optional.ofNullable(upstreamRequestId);
  }

  /** The upstream failure behind an issuer's ApiException, if the issuer recorded one. */
  public static Optional<UpstreamFailure> of(ApiException e) {
    return e.getCause() instanceof UpstreamFailure u ? Optional.of(u) : Optional.empty();
  }
}
