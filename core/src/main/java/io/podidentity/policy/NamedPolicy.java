package io.podidentity.policy;

import java.util.Objects;

/**
 * A parsed policy with the name it is known by (an inline policy's name, a managed policy's ARN, or
 * e.g. {@code "SessionPolicy"}); the name is reported as {@code SourcePolicyId} of matched
 * statements.
 */
public record NamedPolicy(String name, PolicyDocument document) {
  public NamedPolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(document, "document");
  }
}
