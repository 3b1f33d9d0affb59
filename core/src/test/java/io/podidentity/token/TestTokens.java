package io.podidentity.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds tokens, good and bad, for the token tests. */
final class TestTokens {
  static final String ISSUER = "https://oidc.example.test/id/LOCAL";
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private TestTokens() {}

  static String b64(String json) {
    return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
  }

  static Map<String, Object> json(String s) {
    try {
      return JSONObjectUtils.parse(s);
    } catch (ParseException e) {
      throw new AssertionError(e);
    }
  }

  /** The decoded header of a compact token. */
  static Map<String, Object> header(String token) {
    return json(new Base64URL(token.split("\\.")[0]).decodeToString());
  }

  /** The decoded payload of a compact token. */
  static Map<String, Object> payload(String token) {
    return json(new Base64URL(token.split("\\.")[1]).decodeToString());
  }

  /** Header and payload as given, signed with {@code signer} (any algorithm the signer has). */
  static String sign(Map<String, Object> header, Map<String, Object> payload, JWSSigner signer) {
    String input =
        b64(JSONObjectUtils.toJSONString(header))
            + "."
            + b64(JSONObjectUtils.toJSONString(payload));
    try {
      com.nimbusds.jose.JWSHeader h = com.nimbusds.jose.JWSHeader.parse(header);
      Base64URL sig = signer.sign(h, input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + sig;
    } catch (JOSEException | ParseException e) {
      throw new AssertionError(e);
    }
  }

  static Map<String, Object> rs256(String kid) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("alg", "RS256");
    if (kid != null) {
      h.put("kid", kid);
    }
    return h;
  }

  /** A deep, mutable copy of a payload. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> copy(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach(
        (k, v) -> out.put(k, v instanceof Map<?, ?> inner ? copy((Map<String, Object>) inner) : v));
    return out;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> k8s(Map<String, Object> payload) {
    return (Map<String, Object>) payload.get("kubernetes.io");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> k8s(Map<String, Object> payload, String object) {
    return (Map<String, Object>) k8s(payload).get(object);
  }
}
