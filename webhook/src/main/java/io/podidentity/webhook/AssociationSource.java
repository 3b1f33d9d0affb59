package io.podidentity.webhook;

import java.util.Objects;
import java.util.Optional;

/**
 * Where the webhook learns whether a pod's (namespace, service account) has a pod identity
 * association in the configured cluster. The one seam between the webhook and the server:
 * in-process in {@code podidentity up}, over HTTP ({@link Webhook#httpSource}) otherwise.
 *
 * <p>Called on every admission, concurrently, on virtual threads: implementations must be
 * thread-safe and should answer from memory in the common case.
 */
public interface AssociationSource {

  /**
   * The association of {@code serviceAccount} in {@code namespace}, or empty if there is none.
   *
   * @throws UnavailableException if the answer cannot be known (the server is unreachable and
   *     nothing is cached); the webhook then fails open or closed as configured
   */
  Optional<Association> lookup(String namespace, String serviceAccount) throws UnavailableException;

  /** Whether the source has loaded its initial state; drives {@code /readyz}. */
  default boolean ready() {
    return true;
  }

  /**
   * What the webhook needs of an association: its id (recorded on the pod), ARN, and role ARN when
   * known (ListPodIdentityAssociations summaries do not carry it).
   */
  record Association(String id, String arn, Optional<String> roleArn) {
    public Association {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(arn, "arn");
      Objects.requireNonNull(roleArn, "roleArn");
      if (id.isBlank()) {
        throw new IllegalArgumentException("association id must not be blank");
      }
    }
  }

  /** The source cannot tell whether an association exists right now. */
  final class UnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }

    public UnavailableException(String message) {
      super(message);
    }
  }
}
