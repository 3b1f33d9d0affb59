package io.podidentity.iam;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An IAM role of the builtin issuer, as GetRole describes it.
 *
 * @param name the role name (1-64 of {@code [\w+=,.@-]})
 * @param path the path, {@code /} or {@code /a/b/}
 * @param id the unique id, {@code AROA} + 17 characters
 * @param arn {@code arn:aws:iam::ACCOUNT:role/PATH/NAME}
 * @param trustPolicy the trust (assume-role) policy exactly as it was given
 * @param description the description, if any
 * @param maxSessionDuration the longest session AssumeRole grants, 3600-43200 seconds
 * @param createdAt when the role was created
 * @param tags the role's tags, in the order they were first set
 */
public record Role(
    String name,
    String path,
    String id,
    String arn,
    String trustPolicy,
    Optional<String> description,
    int maxSessionDuration,
    Instant createdAt,
    List<Tag> tags) {
  public Role {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(arn, "arn");
    Objects.requireNonNull(trustPolicy, "trustPolicy");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(createdAt, "createdAt");
    tags = List.copyOf(tags);
  }

  /** The account the role belongs to (the fifth field of its ARN). */
  public String accountId() {
    return arn.split(":", 6)[4];
  }
}
