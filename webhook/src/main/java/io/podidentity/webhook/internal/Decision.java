package io.podidentity.webhook.internal;

/**
 * Why the webhook answered as it did; the {@code decision} label of {@code
 * podidentity_webhook_admissions_total} and the {@code decision=} field of the log line.
 */
public enum Decision {
  /** The pod's service account has an association; the patch was returned. */
  MUTATED("mutated"),
  /** Associated, but the pod already carries everything (re-admission): no patch. */
  ALREADY_MUTATED("already_mutated"),
  /** No association for the pod's (namespace, service account) in the cluster. */
  NO_ASSOCIATION("no_association"),
  /** The pod has the label {@code eks.amazonaws.com/skip-pod-identity-webhook}. */
  OPT_OUT_LABEL("opt_out_label"),
  /** The request is not for a pod (another resource or a subresource). */
  NOT_A_POD("not_a_pod"),
  /** The operation is not CREATE (pod specs are immutable after creation). */
  NOT_CREATE("not_create"),
  /** The association source could not answer; admitted unmutated (fail-open). */
  SERVER_UNAVAILABLE_ADMITTED("server_unavailable_admitted"),
  /** The association source could not answer; refused (fail-closed). */
  SERVER_UNAVAILABLE_DENIED("server_unavailable_denied"),
  /** Not a well-formed AdmissionReview: HTTP 400/413/415, no review answered. */
  MALFORMED("malformed");

  private final String label;

  Decision(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
