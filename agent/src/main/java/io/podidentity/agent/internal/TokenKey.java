package io.podidentity.agent.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The identity of a token in the agent's maps: the SHA-256 of the whole token. Two different tokens
 * never share a key (short of a SHA-256 collision), so one pod's token can never be answered with
 * credentials fetched for another; and the maps never hold the token as a key that could end up in
 * a log or a heap dump's key set. {@link #toString()} shows a short prefix of the hash only.
 */
public final class TokenKey {
  private final byte[] hash;
  private final int hashCode;

  private TokenKey(byte[] hash) {
    this.hash = hash;
    this.hashCode = Arrays.hashCode(hash);
  }

  public static TokenKey of(String token) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return new TokenKey(md.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TokenKey k && MessageDigest.isEqual(hash, k.hash);
  }

  @Override
  public int hashCode() {
    return hashCode;
  }

  /** A short, non-reversible tag for logs: the first 8 hex digits of the hash. */
  @Override
  public String toString() {
    return String.format("tok-%02x%02x%02x%02x", hash[0], hash[1], hash[2], hash[3]);
  }
}
