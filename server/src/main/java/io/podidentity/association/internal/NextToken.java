package io.podidentity.association.internal;

import io.podidentity.api.ApiException;
import io.podidentity.auth.SecretBox;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Opaque, tamper-proof pagination tokens: the position (a sequence number) MACed together with the
 * cluster and filters it belongs to, so a forged, altered or foreign token is an
 * InvalidParameterException and never reaches the database as anything but a number we made.
 */
public final class NextToken {
  private static final int MAC_LEN = 16;
  private final SecretBox box;

  public NextToken(SecretBox box) {
    this.box = box;
  }

  public String seal(String cluster, Optional<String> ns, Optional<String> sa, long seq) {
    byte[] mac = mac(cluster, ns, sa, seq);
    ByteBuffer b = ByteBuffer.allocate(8 + MAC_LEN).putLong(seq).put(mac, 0, MAC_LEN);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }

  public long open(String token, String cluster, Optional<String> ns, Optional<String> sa) {
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    if (raw.length != 8 + MAC_LEN) {
      throw invalid();
    }
    long seq = ByteBuffer.wrap(raw, 0, 8).getLong();
    byte[] expected = Arrays.copyOf(mac(cluster, ns, sa, seq), MAC_LEN);
    if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(raw, 8, raw.length)) || seq < 0) {
      throw invalid();
    }
    return seq;
  }

  private byte[] mac(String cluster, Optional<String> ns, Optional<String> sa, long seq) {
    String s =
        cluster + "\u0000" + ns.orElse("\u0001") + "\u0000" + sa.orElse("\u0001") + "\u0000" + seq;
    return box.mac("nextToken", s.getBytes(StandardCharsets.UTF_8));
  }

  private static ApiException invalid() {
    return ApiException.invalidParameter(
        "The nextToken is not valid for this request. Use the nextToken from the previous"
            + " response, with the same cluster and filters.");
  }
}
