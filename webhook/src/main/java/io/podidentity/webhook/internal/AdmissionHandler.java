package io.podidentity.webhook.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podidentity.webhook.AssociationSource;
import io.podidentity.webhook.AssociationSource.Association;
import io.podidentity.webhook.WebhookConfig.FailurePolicy;
import java.io.IOException;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one AdmissionReview (admission.k8s.io v1 or v1beta1, whose JSON is the same shape):
 * decides, patches, and logs and counts the decision. Independent of the HTTP server so the
 * benchmark and tests can drive it directly too.
 *
 * <p>The reply echoes the request's apiVersion and kind (clusters other than EKS reject a reply
 * without them: amazon-eks-pod-identity-webhook#225, #205, #132) and {@code response.uid}.
 */
public final class AdmissionHandler {
  private static final Logger log = LoggerFactory.getLogger("io.podidentity.webhook.decisions");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String V1 = "admission.k8s.io/v1";
  private static final String V1BETA1 = "admission.k8s.io/v1beta1";

  /** An HTTP answer: status, JSON body, and the decision it carries. */
  public record Reply(int status, byte[] body, Decision decision) {}

  private final AssociationSource source;
  private final PodMutation mutation;
  private final FailurePolicy failurePolicy;
  private final WebhookMetrics metrics;

  public AdmissionHandler(
      AssociationSource source,
      PodMutation mutation,
      FailurePolicy failurePolicy,
      WebhookMetrics metrics) {
    this.source = source;
    this.mutation = mutation;
    this.failurePolicy = failurePolicy;
    this.metrics = metrics;
  }

  /** 400 with a JSON {@code {"error": ...}} body; also used by the server for 413/415. */
  public Reply error(int status, String message) {
    log.info("decision={} status={} error=\"{}\"", Decision.MALFORMED.label(), status, message);
    metrics.decision(Decision.MALFORMED, 0);
    ObjectNode body = JSON.createObjectNode().put("error", message);
    return new Reply(status, bytes(body), Decision.MALFORMED);
  }

  public Reply handle(byte[] body) {
    long start = System.nanoTime();
    JsonNode review;
    try {
      review = JSON.readTree(body);
    } catch (IOException e) {
      return error(400, "request body is not JSON: " + firstLine(e));
    }
    if (review == null || !review.isObject()) {
      return error(400, "request body must be an AdmissionReview JSON object");
    }
    String apiVersion = review.path("apiVersion").asText("");
    if (!V1.equals(apiVersion) && !V1BETA1.equals(apiVersion)) {
      return error(
          400,
          "apiVersion must be "
              + V1
              + " or "
              + V1BETA1
              + ", got "
              + quote(review.get("apiVersion")));
    }
    if (!"AdmissionReview".equals(review.path("kind").asText(""))) {
      return error(400, "kind must be AdmissionReview, got " + quote(review.get("kind")));
    }
    JsonNode request = review.path("request");
    if (!request.isObject()) {
      return error(400, "AdmissionReview has no request object");
    }
    JsonNode uid = request.path("uid");
    if (!uid.isTextual() || uid.asText().isEmpty()) {
      return error(400, "request.uid must be a non-empty string, got " + quote(request.get("uid")));
    }

    return decide(apiVersion, uid.asText(), request, start);
  }

  private Reply decide(String apiVersion, String uid, JsonNode request, long start) {
    JsonNode kind = request.path("kind");
    JsonNode resource = request.path("resource");
    String sub = request.path("subResource").asText("");
    boolean isPod =
        kind.path("group").asText("").isEmpty()
            && "Pod".equals(kind.path("kind").asText())
            && "pods".equals(resource.path("resource").asText("pods"))
            && sub.isEmpty();
    String operation = request.path("operation").asText("CREATE");
    JsonNode pod = request.path("object");
    JsonNode meta = pod.path("metadata");
    String podName = meta.path("name").asText("");
    if (podName.isEmpty() && meta.path("generateName").isTextual()) {
      podName = meta.path("generateName").asText() + "*";
    }
    String namespace = request.path("namespace").asText("");
    if (namespace.isEmpty()) {
      namespace = meta.path("namespace").asText("");
    }
    if (!isPod) {
      return allow(apiVersion, uid, Decision.NOT_A_POD, namespace, podName, "", null, null, start);
    }
    if (!"CREATE".equals(operation)) {
      return allow(apiVersion, uid, Decision.NOT_CREATE, namespace, podName, "", null, null, start);
    }
    if (!pod.isObject() || !meta.isObject() || !pod.path("spec").isObject()) {
      return error(400, "request.object must be a Pod with metadata and spec");
    }
    if (namespace.isEmpty()) {
      return error(400, "request.namespace is missing");
    }
    String sa = pod.path("spec").path("serviceAccountName").asText("");
    if (sa.isEmpty()) {
      sa = pod.path("spec").path("serviceAccount").asText(""); // the deprecated alias
    }
    if (sa.isEmpty()) {
      sa = "default";
    }
    if (meta.path("labels").has(PodMutation.OPT_OUT_LABEL)) {
      return allow(
          apiVersion, uid, Decision.OPT_OUT_LABEL, namespace, podName, sa, null, null, start);
    }
    Optional<Association> association;
    try {
      association = source.lookup(namespace, sa);
    } catch (AssociationSource.UnavailableException e) {
      if (failurePolicy == FailurePolicy.CLOSED) {
        return deny(apiVersion, uid, namespace, podName, sa, e.getMessage(), start);
      }
      log.warn(
          "decision={} uid={} namespace={} pod={} serviceAccount={} reason=\"{}\"",
          Decision.SERVER_UNAVAILABLE_ADMITTED.label(),
          uid,
          namespace,
          podName,
          sa,
          e.getMessage());
      return allowQuiet(apiVersion, uid, Decision.SERVER_UNAVAILABLE_ADMITTED, null, null, start);
    }
    if (association.isEmpty()) {
      return allow(
          apiVersion, uid, Decision.NO_ASSOCIATION, namespace, podName, sa, null, null, start);
    }
    Association a = association.get();
    ArrayNode patch = mutation.patch(pod, a.id());
    Decision d = patch.isEmpty() ? Decision.ALREADY_MUTATED : Decision.MUTATED;
    return allow(
        apiVersion, uid, d, namespace, podName, sa, a, patch.isEmpty() ? null : patch, start);
  }

  private Reply allow(
      String apiVersion,
      String uid,
      Decision d,
      String namespace,
      String pod,
      String sa,
      Association a,
      ArrayNode patch,
      long start) {
    log.info(
        "decision={} uid={} namespace={} pod={} serviceAccount={} association={} role={} ops={}",
        d.label(),
        uid,
        namespace,
        pod,
        sa,
        a == null ? "-" : a.id(),
        a == null ? "-" : a.roleArn().orElse("-"),
        patch == null ? 0 : patch.size());
    return allowQuiet(apiVersion, uid, d, a, patch, start);
  }

  private Reply allowQuiet(
      String apiVersion, String uid, Decision d, Association a, ArrayNode patch, long start) {
    ObjectNode response = JSON.createObjectNode();
    response.put("uid", uid);
    response.put("allowed", true);
    if (patch != null) {
      response.put("patchType", "JSONPatch");
      response.put("patch", Base64.getEncoder().encodeToString(bytes(patch)));
    }
    ObjectNode audit = response.putObject("auditAnnotations");
    audit.put("decision", d.label());
    if (a != null) {
      audit.put("association", a.id());
    }
    return finish(apiVersion, response, d, 200, start);
  }

  private Reply deny(
      String apiVersion,
      String uid,
      String namespace,
      String pod,
      String sa,
      String why,
      long start) {
    Decision d = Decision.SERVER_UNAVAILABLE_DENIED;
    log.warn(
        "decision={} uid={} namespace={} pod={} serviceAccount={} reason=\"{}\"",
        d.label(),
        uid,
        namespace,
        pod,
        sa,
        why);
    ObjectNode response = JSON.createObjectNode();
    response.put("uid", uid);
    response.put("allowed", false);
    ObjectNode status = response.putObject("status");
    status.put("status", "Failure");
    status.put("code", 503);
    status.put("reason", "ServiceUnavailable");
    status.put(
        "message",
        "podidentity webhook: cannot tell whether service account "
            + namespace
            + "/"
            + sa
            + " has a pod identity association (the webhook is configured fail-closed): "
            + why);
    response.putObject("auditAnnotations").put("decision", d.label());
    return finish(apiVersion, response, d, 200, start);
  }

  private Reply finish(String apiVersion, ObjectNode response, Decision d, int status, long start) {
    ObjectNode out = JSON.createObjectNode();
    out.put("apiVersion", apiVersion);
    out.put("kind", "AdmissionReview");
    out.set("response", response);
    byte[] bytes = bytes(out);
    metrics.decision(d, System.nanoTime() - start);
    return new Reply(status, bytes, d);
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e); // a tree we built always serialises
    }
  }

  private static String quote(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "nothing";
    }
    String s = n.toString();
    return s.length() > 100 ? s.substring(0, 100) + "…" : s;
  }

  private static String firstLine(IOException e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).strip();
  }
}
