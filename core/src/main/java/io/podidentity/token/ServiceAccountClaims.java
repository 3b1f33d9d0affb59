package io.podidentity.token;

import io.podidentity.token.internal.KubeNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The claims of a Kubernetes projected service-account token, in the layout kube-apiserver writes
 * (pkg/serviceaccount/claims.go): the registered claims plus a {@code kubernetes.io} object with
 * {@code namespace}, {@code serviceaccount{name,uid}}, {@code pod{name,uid}} and, from Kubernetes
 * 1.30, {@code node{name,uid}}.
 *
 * <p>Validated on construction: {@code sub} is exactly {@code system:serviceaccount:NS:SA} and
 * agrees with {@link #namespace} and {@link #serviceAccountName}; names follow the Kubernetes name
 * rules; the token is bound to a pod (name and uid). {@link #notBefore}, {@link #issuedAt}, {@link
 * #jti}, {@link #nodeName} and {@link #nodeUid} may be null (older clusters omit them).
 *
 * <p>Holds no secret: safe to log.
 */
public record ServiceAccountClaims(
    String issuer,
    String subject,
    List<String> audiences,
    Instant expiresAt,
    Instant notBefore,
    Instant issuedAt,
    String jti,
    String namespace,
    String serviceAccountName,
    String serviceAccountUid,
    String podName,
    String podUid,
    String nodeName,
    String nodeUid) {

  /** The prefix of the {@code sub} claim of every service-account token. */
  public static final String SUBJECT_PREFIX = "system:serviceaccount:";

  /** The private claim that carries the pod binding. */
  public static final String KUBERNETES_CLAIM = "kubernetes.io";

  public ServiceAccountClaims {
    if (issuer == null || issuer.isEmpty()) {
      throw new IllegalArgumentException("claim iss is required");
    }
    Objects.requireNonNull(audiences, "audiences");
    audiences = List.copyOf(audiences);
    if (audiences.isEmpty() || audiences.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException("claim aud must name at least one non-empty audience");
    }
    if (expiresAt == null) {
      throw new IllegalArgumentException("claim exp is required");
    }
    KubeNames.requireLabel("kubernetes.io.namespace", namespace);
    KubeNames.requireSubdomain("kubernetes.io.serviceaccount.name", serviceAccountName);
    KubeNames.requireUid("kubernetes.io.serviceaccount.uid", serviceAccountUid);
    KubeNames.requireSubdomain("kubernetes.io.pod.name", podName);
    KubeNames.requireUid("kubernetes.io.pod.uid", podUid);
    if (nodeName != null) {
      KubeNames.requireSubdomain("kubernetes.io.node.name", nodeName);
    }
    if (nodeUid != null) {
      if (nodeName == null) {
        throw new IllegalArgumentException("kubernetes.io.node.uid is set without a node name");
      }
      KubeNames.requireUid("kubernetes.io.node.uid", nodeUid);
    }
    if (!subjectOf(namespace, serviceAccountName).equals(subject)) {
      throw new IllegalArgumentException(
          "claim sub does not equal system:serviceaccount:<kubernetes.io.namespace>:"
              + "<kubernetes.io.serviceaccount.name>");
    }
  }

  /** {@code system:serviceaccount:NS:SA}. */
  public static String subjectOf(String namespace, String serviceAccountName) {
    return SUBJECT_PREFIX + namespace + ":" + serviceAccountName;
  }

  /**
   * Reads the claims from a decoded JWT payload (JSON object as maps, lists, strings and numbers).
   *
   * @throws IllegalArgumentException naming the claim that is missing, of the wrong type, or
   *     inconsistent
   */
  public static ServiceAccountClaims fromPayload(Map<String, ?> payload) {
    Objects.requireNonNull(payload, "payload");
    String iss = string(payload, "iss", true);
    String sub = string(payload, "sub", true);
    List<String> aud = audiences(payload.get("aud"));
    Instant exp = numericDate(payload, "exp", true);
    Instant nbf = numericDate(payload, "nbf", false);
    Instant iat = numericDate(payload, "iat", false);
    String jti = string(payload, "jti", false);
    Map<String, ?> k8s = object(payload, KUBERNETES_CLAIM, KUBERNETES_CLAIM, true);
    if (!sub.startsWith(SUBJECT_PREFIX)) {
      throw new IllegalArgumentException("claim sub is not a service account subject");
    }
    String ns = string(k8s, "namespace", KUBERNETES_CLAIM + ".namespace", true);
    Map<String, ?> sa = object(k8s, "serviceaccount", KUBERNETES_CLAIM + ".serviceaccount", true);
    Map<String, ?> pod = object(k8s, "pod", KUBERNETES_CLAIM + ".pod", true);
    Map<String, ?> node = object(k8s, "node", KUBERNETES_CLAIM + ".node", false);
    return new ServiceAccountClaims(
        iss,
        sub,
        aud,
        exp,
        nbf,
        iat,
        jti,
        ns,
        string(sa, "name", KUBERNETES_CLAIM + ".serviceaccount.name", true),
        string(sa, "uid", KUBERNETES_CLAIM + ".serviceaccount.uid", true),
        string(pod, "name", KUBERNETES_CLAIM + ".pod.name", true),
        string(pod, "uid", KUBERNETES_CLAIM + ".pod.uid", true),
        node == null ? null : string(node, "name", KUBERNETES_CLAIM + ".node.name", true),
        node == null ? null : string(node, "uid", KUBERNETES_CLAIM + ".node.uid", false));
  }

  private static String string(Map<String, ?> m, String key, boolean required) {
    return string(m, key, key, required);
  }

  private static String string(Map<String, ?> m, String key, String name, boolean required) {
    Object v = m.get(key);
    if (v == null) {
      if (required) {
        throw new IllegalArgumentException("claim " + name + " is missing");
      }
      return null;
    }
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException("claim " + name + " must be a string");
    }
    if (required && s.isEmpty()) {
      throw new IllegalArgumentException("claim " + name + " is empty");
    }
    return s;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> object(
      Map<String, ?> m, String key, String name, boolean required) {
    Object v = m.get(key);
    if (v == null) {
      if (required) {
        throw new IllegalArgumentException("claim " + name + " is missing");
      }
      return null;
    }
    if (!(v instanceof Map<?, ?> o)) {
      throw new IllegalArgumentException("claim " + name + " must be an object");
    }
    return (Map<String, ?>) o;
  }

  private static List<String> audiences(Object v) {
    if (v == null) {
      throw new IllegalArgumentException("claim aud is missing");
    }
    if (v instanceof String s) {
      return List.of(s);
    }
    if (v instanceof List<?> list) {
      List<String> out = new ArrayList<>(list.size());
      for (Object o : list) {
        if (!(o instanceof String s)) {
          throw new IllegalArgumentException("claim aud must be a string or array of strings");
        }
        out.add(s);
      }
      return out;
    }
    throw new IllegalArgumentException("claim aud must be a string or array of strings");
  }

  /** RFC 7519 §2 NumericDate: seconds since the epoch, possibly fractional. */
  private static Instant numericDate(Map<String, ?> m, String key, boolean required) {
    Object v = m.get(key);
    if (v == null) {
      if (required) {
        throw new IllegalArgumentException("claim " + key + " is missing");
      }
      return null;
    }
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException("claim " + key + " must be a number");
    }
    double d = n.doubleValue();
    // Up to the end of year 9999: larger values are nonsense and would overflow Instant math.
    if (!(d >= 0 && d <= 253402300799d)) {
      throw new IllegalArgumentException("claim " + key + " is out of range");
    }
    return Instant.ofEpochSecond((long) Math.floor(d));
  }
}
