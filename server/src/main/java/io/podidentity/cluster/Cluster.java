package io.podidentity.cluster;

import io.podidentity.api.ApiException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Kubernetes cluster whose service-account tokens this server trusts.
 *
 * @param name the cluster name (EKS rules: 1–100 characters, {@code [0-9A-Za-z][A-Za-z0-9\-_]*})
 * @param accountId the account the cluster (and its associations' roles) belong to
 * @param region the region in its ARN
 * @param issuer the {@code iss} of its service-account tokens
 * @param jwks its token signing keys as a JWKS document, when given inline
 * @param jwksUri where to fetch its JWKS, when given by URL
 * @param createdAt when it was registered
 */
public record Cluster(
    String name,
    String accountId,
    String region,
    String issuer,
    Optional<String> jwks,
    Optional<String> jwksUri,
    Instant createdAt) {
  private static final Pattern NAME = Pattern.compile("[0-9A-Za-z][A-Za-z0-9\\-_]{0,99}");
  private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

  public Cluster {
    validateName(name);
    if (accountId == null || !ACCOUNT.matcher(accountId).matches()) {
      throw ApiException.invalidParameter("accountId must be 12 digits, was: " + accountId);
    }
    Objects.requireNonNull(region, "region");
    if (issuer == null || issuer.isBlank() || issuer.length() > 2048) {
      throw ApiException.invalidParameter("issuer must be a non-empty URL.");
    }
    Objects.requireNonNull(jwks, "jwks");
    Objects.requireNonNull(jwksUri, "jwksUri");
    if (jwks.isPresent() == jwksUri.isPresent()) {
      throw ApiException.invalidParameter("Exactly one of jwks and jwksUri must be given.");
    }
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** Checks an EKS cluster name; the message matches what EKS says for a bad name. */
  public static void validateName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw ApiException.invalidParameter(
          "Invalid cluster name: "
              + clip(name)
              + ". It must be 1-100 characters, start with a letter or digit, and contain only"
              + " letters, digits, hyphens and underscores.");
    }
  }

  /** The partition for a region: aws-cn for cn-*, aws-us-gov for us-gov-*, else aws. */
  public static String partition(String region) {
    if (region.startsWith("cn-")) {
      return "aws-cn";
    }
    if (region.startsWith("us-gov-")) {
      return "aws-us-gov";
    }
    return "aws";
  }

  /** {@code arn:aws:eks:REGION:ACCOUNT:cluster/NAME}. */
  public String arn() {
    return "arn:" + partition(region) + ":eks:" + region + ":" + accountId + ":cluster/" + name;
  }

  private static String clip(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() > 110 ? s.substring(0, 110) + "..." : s;
  }
}
