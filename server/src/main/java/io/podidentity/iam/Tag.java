package io.podidentity.iam;

import java.util.Objects;

/** A tag of a role or a session: a key and a value. */
public record Tag(String key, String value) {
  public Tag {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
