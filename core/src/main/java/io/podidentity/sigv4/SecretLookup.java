package io.podidentity.sigv4;

import java.util.Optional;

/** Resolves an access key id to its secret; empty when the key is unknown. */
@FunctionalInterface
public interface SecretLookup<P> {
  Optional<SigningSecret<P>> find(String accessKeyId);
}
