package io.podidentity.iam;

import java.util.List;
import java.util.Optional;

/**
 * One page of an IAM list operation: the items, and the Marker to pass for the next page when the
 * list is truncated (IAM's {@code IsTruncated} / {@code Marker}).
 */
public record Page<T>(List<T> items, Optional<String> marker) {
  public Page {
    items = List.copyOf(items);
  }

  public boolean truncated() {
    return marker.isPresent();
  }
}
