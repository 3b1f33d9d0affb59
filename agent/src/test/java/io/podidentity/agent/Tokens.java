package io.podidentity.agent;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Projected-token-shaped JWTs (unsigned: the agent does not verify signatures, the server does).
 */
final class Tokens {
  private Tokens() {}

  static String forServiceAccount(String sa, Instant now) {
    return jwt(sa, now.getEpochSecond() + 86400, UUID.randomUUID().toString());
  }

  static String expired(String sa, Instant now) {
    return jwt(sa, now.getEpochSecond() - 10, UUID.randomUUID().toString());
  }

  private static String jwt(String sa, long exp, String podUid) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = "{\"alg\":\"RS256\",\"kid\":\"0123456789abcdef0123456789abcdef01234567\"}";
    String payload =
        "{\"aud\":[\"pods.eks.amazonaws.com\"],\"exp\":"
            + exp
            + ",\"iat\":"
            + (exp - 86400)
            + ",\"iss\":\"https://kubernetes.default.svc\",\"kubernetes.io\":{\"namespace\":\"ns\","
            + "\"pod\":{\"name\":\"pod-"
            + sa
            + "\",\"uid\":\""
            + podUid
            + "\"},\"serviceaccount\":{\"name\":\""
            + sa
            + "\",\"uid\":\"u\"}},\"nbf\":"
            + (exp - 86400)
            + ",\"sub\":\"system:serviceaccount:ns:"
            + sa
            + "\"}";
    return b64.encodeToString(header.getBytes(StandardCharsets.UTF_8))
        + "."
        + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8))
        + "."
        + b64.encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
  }
}
