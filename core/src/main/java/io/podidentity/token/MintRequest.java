package io.podidentity.token;

import io.podidentity.token.internal.KubeNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What {@link TokenMinter} puts in a token. Built with {@link #of(String, String)} and the {@code
 * with…} methods; every field is validated with an error naming it and the bad value.
 *
 * <ul>
 *   <li>{@code namespace}: a DNS-1123 label; {@code serviceAccount}, {@code podName}, {@code
 *       nodeName}: DNS-1123 subdomains (the Kubernetes name rules).
 *   <li>{@code podName} defaults to a Deployment-style name {@code SA-xxxxxxxxxx-xxxxx}, {@code
 *       podUid} to a random UUID; {@code serviceAccountUid} and {@code nodeUid} default to UUIDs
 *       derived from the names, so they are stable from one token to the next as real uids are.
 *   <li>{@code nodeName} defaults to {@value #DEFAULT_NODE}.
 *   <li>{@code audiences} default to {@code [pods.eks.amazonaws.com]}.
 *   <li>{@code expiresIn} defaults to 86400 s (what the EKS webhook requests) and must be between
 *       600 s and 2^32 s — the bounds kube-apiserver's TokenRequest validation enforces.
 * </ul>
 */
public record MintRequest(
    String namespace,
    String serviceAccount,
    String serviceAccountUid,
    String podName,
    String podUid,
    String nodeName,
    String nodeUid,
    List<String> audiences,
    Duration expiresIn) {

  public static final String DEFAULT_NODE = "local-node";
  public static final Duration DEFAULT_EXPIRES_IN = Duration.ofSeconds(86400);
  public static final Duration MIN_EXPIRES_IN = Duration.ofSeconds(600);
  public static final Duration MAX_EXPIRES_IN = Duration.ofSeconds(1L << 32);

  // Kubernetes' name-suffix alphabet (apimachinery util/rand): no vowels, no look-alikes.
  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  public MintRequest {
    KubeNames.requireLabel("namespace", namespace);
    KubeNames.requireSubdomain("service account", serviceAccount);
    serviceAccountUid =
        serviceAccountUid != null
            ? serviceAccountUid
            : nameUuid("serviceaccount/" + namespace + "/" + serviceAccount);
    KubeNames.requireUid("service account uid", serviceAccountUid);
    podName = podName != null ? podName : generatedPodName(serviceAccount);
    KubeNames.requireSubdomain("pod name", podName);
    podUid = podUid != null ? podUid : UUID.randomUUID().toString();
    KubeNames.requireUid("pod uid", podUid);
    nodeName = nodeName != null ? nodeName : DEFAULT_NODE;
    KubeNames.requireSubdomain("node name", nodeName);
    nodeUid = nodeUid != null ? nodeUid : nameUuid("node/" + nodeName);
    KubeNames.requireUid("node uid", nodeUid);
    audiences = audiences != null ? List.copyOf(audiences) : List.of(ClusterTrust.DEFAULT_AUDIENCE);
    if (audiences.isEmpty()) {
      throw new IllegalArgumentException("audience: at least one is required");
    }
    for (String a : audiences) {
      if (a.isEmpty() || a.length() > 1024 || !a.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException(
            "audience \"" + a + "\" must be 1 to 1024 printable ASCII characters without spaces");
      }
    }
    expiresIn = expiresIn != null ? expiresIn : DEFAULT_EXPIRES_IN;
    if (expiresIn.compareTo(MIN_EXPIRES_IN) < 0 || expiresIn.compareTo(MAX_EXPIRES_IN) > 0) {
      throw new IllegalArgumentException(
          "expires-in "
              + expiresIn.toSeconds()
              + " s is out of range: kube-apiserver accepts 600 s (10 minutes) to 2^32 s");
    }
  }

  /** A request for {@code namespace}/{@code serviceAccount} with every other field defaulted. */
  public static MintRequest of(String namespace, String serviceAccount) {
    return new MintRequest(namespace, serviceAccount, null, null, null, null, null, null, null);
  }

  public MintRequest withPod(String name, String uid) {
    return new MintRequest(
        namespace,
        serviceAccount,
        serviceAccountUid,
        Objects.requireNonNull(name, "pod name"),
        uid,
        nodeName,
        nodeUid,
        audiences,
        expiresIn);
  }

  public MintRequest withNode(String name) {
    return new MintRequest(
        namespace,
        serviceAccount,
        serviceAccountUid,
        podName,
        podUid,
        Objects.requireNonNull(name, "node name"),
        null,
        audiences,
        expiresIn);
  }

  public MintRequest withAudiences(List<String> audiences) {
    return new MintRequest(
        namespace,
        serviceAccount,
        serviceAccountUid,
        podName,
        podUid,
        nodeName,
        nodeUid,
        Objects.requireNonNull(audiences, "audiences"),
        expiresIn);
  }

  public MintRequest withExpiresIn(Duration expiresIn) {
    return new MintRequest(
        namespace,
        serviceAccount,
        serviceAccountUid,
        podName,
        podUid,
        nodeName,
        nodeUid,
        audiences,
        Objects.requireNonNull(expiresIn, "expiresIn"));
  }

  private static String nameUuid(String name) {
    return UUID.nameUUIDFromBytes(("podidentity/" + name).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** {@code BASE-xxxxxxxxxx-xxxxx} as a Deployment's ReplicaSet names its pods. */
  private static String generatedPodName(String serviceAccount) {
    String base = serviceAccount.length() > 46 ? serviceAccount.substring(0, 46) : serviceAccount;
    base = base.replaceAll("[.-]+$", "");
    return base + "-" + random(10) + "-" + random(5);
  }

  private static String random(int n) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
