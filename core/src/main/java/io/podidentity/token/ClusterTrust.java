package io.podidentity.token;

import java.util.Objects;

/**
 * What a token of one cluster must satisfy: its {@code iss} equals {@link #issuer} exactly, its
 * {@code aud} contains {@link #audience}, and it is signed by a key of {@link #jwks}.
 *
 * @param clusterName the cluster's name (for errors and logs)
 * @param issuer the service-account issuer (kube-apiserver {@code --service-account-issuer})
 * @param audience the audience every token must carry, normally {@link #DEFAULT_AUDIENCE}
 * @param jwks the cluster's signing keys
 */
public record ClusterTrust(String clusterName, String issuer, String audience, JwksSource jwks) {

  /** The audience of EKS Pod Identity tokens. */
  public static final String DEFAULT_AUDIENCE = "pods.eks.amazonaws.com";

  public ClusterTrust {
    if (clusterName == null || clusterName.isBlank()) {
      throw new IllegalArgumentException("clusterName is required");
    }
    if (issuer == null || issuer.isBlank()) {
      throw new IllegalArgumentException("issuer of cluster " + clusterName + " is required");
    }
    if (audience == null || audience.isBlank()) {
      throw new IllegalArgumentException("audience of cluster " + clusterName + " is required");
    }
    Objects.requireNonNull(jwks, "jwks");
  }

  /** Trust with the default audience {@code pods.eks.amazonaws.com}. */
  public ClusterTrust(String clusterName, String issuer, JwksSource jwks) {
    this(clusterName, issuer, DEFAULT_AUDIENCE, jwks);
  }
}
