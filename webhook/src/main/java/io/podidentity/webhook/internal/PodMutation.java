package io.podidentity.webhook.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The EKS Pod Identity mutation of one pod, as a narrow JSON Patch (RFC 6902): only {@code add}
 * operations on individual elements (an env entry, a volume mount, a volume, a label), so every
 * field this code does not know — including Kubernetes fields newer than it — survives untouched.
 * This is the fix for amazon-eks-pod-identity-webhook#208, where the reference re-serialised whole
 * containers and dropped {@code restartPolicy} on sidecars.
 *
 * <p>Semantics follow the reference webhook (eks-agent-and-webhook-behaviour.md §2.4): env groups,
 * early exit per container, skip-containers, Windows token path, volume and mount reuse by name.
 * Differences, on purpose: the volume carries {@code defaultMode: 420} as EKS pods show it (seeds);
 * the expiration is not jittered (EKS pods show exactly 86400); an expiration above the API
 * server's 2^32 limit is clamped instead of producing a pod the API server rejects.
 */
public final class PodMutation {
  public static final String LABEL = "eks.amazonaws.com/pod-identity";
  public static final String OPT_OUT_LABEL = "eks.amazonaws.com/skip-pod-identity-webhook";
  public static final String SKIP_CONTAINERS_ANNOTATION = "eks.amazonaws.com/skip-containers";
  public static final String TOKEN_EXPIRATION_ANNOTATION = "eks.amazonaws.com/token-expiration";
  public static final String DECISION_ANNOTATION = "podidentity.io/association";
  public static final String VOLUME = "eks-pod-identity-token";
  public static final String TOKEN_FILE = "eks-pod-identity-token";
  public static final String MOUNT_PATH = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount";
  public static final String AUDIENCE = "pods.eks.amazonaws.com";
  public static final String LINUX_TOKEN_PATH = MOUNT_PATH + "/" + TOKEN_FILE;
  public static final String WINDOWS_TOKEN_PATH = "C:" + LINUX_TOKEN_PATH.replace('/', '\\');
  public static final long MIN_EXPIRATION = 600;
  public static final long MAX_EXPIRATION = 1L << 32;

  static final String FULL_URI = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
  static final String TOKEN_FILE_ENV = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
  static final String REGION = "AWS_REGION";
  static final String DEFAULT_REGION = "AWS_DEFAULT_REGION";
  static final String STS = "AWS_STS_REGIONAL_ENDPOINTS";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** What the mutation injects; fixed per webhook. */
  public record Settings(
      Optional<String> region,
      URI credentialsFullUri,
      boolean stsRegionalEndpoints,
      long defaultTokenExpirationSeconds) {}

  private final Settings settings;

  public PodMutation(Settings settings) {
    this.settings = settings;
  }

  /**
   * The patch that gives {@code pod} Pod Identity credentials from {@code associationId}; empty if
   * the pod already carries everything (re-admission of a mutated pod).
   */
  public ArrayNode patch(JsonNode pod, String associationId) {
    ArrayNode ops = F.arrayNode();
    JsonNode metadata = pod.path("metadata");
    JsonNode spec = pod.path("spec");

    // 1. label (hard-coded key, like the reference: PR #295)
    addMapEntry(ops, metadata, "/metadata", "labels", LABEL, "enabled");
    // 2. which association decided it; a stale value copied from another pod is corrected
    addMapEntry(ops, metadata, "/metadata", "annotations", DECISION_ANNOTATION, associationId);

    // 3. volume, only if none of that name exists (any type is kept, as the reference does)
    JsonNode volumes = spec.path("volumes");
    if (!hasNamed(volumes, VOLUME)) {
      ObjectNode volume = volume(tokenExpiration(metadata.path("annotations")));
      if (volumes.isArray()) {
        // prepended like the reference, so `kubectl get pod -o yaml` lists it where EKS does
        ops.add(op("/spec/volumes/0", volume));
      } else {
        ops.add(op("/spec/volumes", F.arrayNode().add(volume)));
      }
    }

    Set<String> skip =
        skipContainers(metadata.path("annotations").path(SKIP_CONTAINERS_ANNOTATION));
    String tokenPath = isWindows(spec) ? WINDOWS_TOKEN_PATH : LINUX_TOKEN_PATH;
    // 4. init containers (native sidecars included) and containers; never ephemeralContainers
    containers(ops, spec.path("initContainers"), "/spec/initContainers", skip, tokenPath);
    containers(ops, spec.path("containers"), "/spec/containers", skip, tokenPath);
    return ops;
  }

  private void containers(
      ArrayNode ops, JsonNode list, String base, Set<String> skip, String tokenPath) {
    if (!list.isArray()) {
      return;
    }
    for (int i = 0; i < list.size(); i++) {
      JsonNode c = list.get(i);
      if (!c.isObject() || skip.contains(c.path("name").asText(""))) {
        continue;
      }
      container(ops, c, base + "/" + i, tokenPath);
    }
  }

  private void container(ArrayNode ops, JsonNode c, String base, String tokenPath) {
    JsonNode env = c.path("env");
    boolean podIdDefined = hasNamed(env, FULL_URI) || hasNamed(env, TOKEN_FILE_ENV);
    boolean regionDefined = hasNamed(env, REGION) || hasNamed(env, DEFAULT_REGION);
    boolean stsDefined = hasNamed(env, STS);
    if (podIdDefined && regionDefined && stsDefined) {
      return; // the reference's early exit: the user configured everything, no mount either
    }
    ArrayNode add = F.arrayNode();
    if (!stsDefined && settings.stsRegionalEndpoints()) {
      add.add(env(STS, "regional"));
    }
    if (!regionDefined && settings.region().isPresent()) {
      add.add(env(DEFAULT_REGION, settings.region().get()));
      add.add(env(REGION, settings.region().get()));
    }
    if (!podIdDefined) {
      add.add(env(FULL_URI, settings.credentialsFullUri().toString()));
      add.add(env(TOKEN_FILE_ENV, tokenPath));
    }
    appendAll(ops, env, base + "/env", add);

    JsonNode mounts = c.path("volumeMounts");
    if (!hasNamed(mounts, VOLUME)) {
      ObjectNode mount = F.objectNode();
      mount.put("name", VOLUME);
      mount.put("readOnly", true);
      mount.put("mountPath", MOUNT_PATH);
      appendAll(ops, mounts, base + "/volumeMounts", F.arrayNode().add(mount));
    }
  }

  private static void appendAll(ArrayNode ops, JsonNode existing, String path, ArrayNode items) {
    if (items.isEmpty()) {
      return;
    }
    if (existing.isArray()) {
      for (JsonNode item : items) {
        ops.add(op(path + "/-", item));
      }
    } else {
      ops.add(op(path, items)); // absent or null: create the list
    }
  }

  /** Sets {@code parent.map[key] = value} with the narrowest operation; nothing if already so. */
  private static void addMapEntry(
      ArrayNode ops, JsonNode parent, String parentPath, String map, String key, String value) {
    JsonNode m = parent.path(map);
    if (!m.isObject()) {
      ops.add(op(parentPath + "/" + map, F.objectNode().put(key, value)));
      return;
    }
    JsonNode current = m.get(key);
    String path = parentPath + "/" + map + "/" + escape(key);
    if (current == null) {
      ops.add(op(path, F.textNode(value)));
    } else if (!(current.isTextual() && current.asText().equals(value))) {
      // a stale value (e.g. copied from another pod's spec) is corrected, not kept
      ops.add(replace(path, F.textNode(value)));
    }
  }

  private ObjectNode volume(long expirationSeconds) {
    ObjectNode token = F.objectNode();
    token.put("audience", AUDIENCE);
    token.put("expirationSeconds", expirationSeconds);
    token.put("path", TOKEN_FILE);
    ObjectNode projected = F.objectNode();
    projected.set("sources", F.arrayNode().add(F.objectNode().set("serviceAccountToken", token)));
    projected.put("defaultMode", 420);
    ObjectNode volume = F.objectNode();
    volume.put("name", VOLUME);
    volume.set("projected", projected);
    return volume;
  }

  /**
   * The pod's {@code eks.amazonaws.com/token-expiration} annotation if it parses as an integer
   * (clamped to [600, 2^32]), else the configured default — the reference ignores unparseable
   * values and raises values under 600 to 600.
   */
  long tokenExpiration(JsonNode annotations) {
    JsonNode v = annotations.path(TOKEN_EXPIRATION_ANNOTATION);
    if (v.isTextual()) {
      try {
        long parsed = Long.parseLong(v.asText().trim());
        return Math.min(MAX_EXPIRATION, Math.max(MIN_EXPIRATION, parsed));
      } catch (NumberFormatException e) {
        // ignored, like the reference
      }
    }
    return settings.defaultTokenExpirationSeconds();
  }

  static boolean isWindows(JsonNode spec) {
    JsonNode sel = spec.path("nodeSelector");
    return "windows".equals(sel.path("kubernetes.io/os").asText(null))
        || "windows".equals(sel.path("beta.kubernetes.io/os").asText(null));
  }

  static Set<String> skipContainers(JsonNode annotation) {
    Set<String> out = new HashSet<>();
    if (annotation.isTextual()) {
      for (String name : annotation.asText().split(",", -1)) {
        String n = name.strip();
        if (n.length() >= 2 && n.startsWith("\"") && n.endsWith("\"")) {
          n = n.substring(1, n.length() - 1); // CSV quoting, as the reference's csv reader allows
        }
        if (!n.isEmpty()) {
          out.add(n);
        }
      }
    }
    return out;
  }

  static boolean hasNamed(JsonNode list, String name) {
    if (list.isArray()) {
      for (JsonNode e : list) {
        if (name.equals(e.path("name").asText(null))) {
          return true;
        }
      }
    }
    return false;
  }

  private static ObjectNode env(String name, String value) {
    ObjectNode e = F.objectNode();
    e.put("name", name);
    e.put("value", value);
    return e;
  }

  private static ObjectNode op(String path, JsonNode value) {
    ObjectNode o = F.objectNode();
    o.put("op", "add");
    o.put("path", path);
    o.set("value", value);
    return o;
  }

  private static ObjectNode replace(String path, JsonNode value) {
    ObjectNode o = F.objectNode();
    o.put("op", "replace");
    o.put("path", path);
    o.set("value", value);
    return o;
  }

  /** RFC 6901 escaping of one reference token. */
  static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }
}
