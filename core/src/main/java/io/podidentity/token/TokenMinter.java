package io.podidentity.token;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.util.Base64URL;
import java.text.ParseException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Mints projected service-account tokens for the local cluster, with exactly the claims
 * kube-apiserver writes (the seeds' decoded token): header {@code {"alg":"RS256","kid":...}};
 * payload {@code aud} (always an array), {@code exp}, {@code iat}, {@code iss}, {@code jti}, {@code
 * kubernetes.io{namespace, node{name,uid}, pod{name,uid}, serviceaccount{name,uid}}}, {@code nbf}
 * (= {@code iat}) and {@code sub}, in that order. Thread-safe.
 */
public final class TokenMinter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalSigningKey key;
  private final JWSHeader header;
  private final String issuer;
  private final Clock clock;

  public TokenMinter(LocalSigningKey key, String issuer, Clock clock) {
    this.key = Objects.requireNonNull(key, "key");
    // Written by hand so the member order is kube-apiserver's (alg, kid); nimbus signs the
    // header exactly as parsed.
    try {
      this.header =
          JWSHeader.parse(Base64URL.encode("{\"alg\":\"RS256\",\"kid\":\"" + key.kid() + "\"}"));
    } catch (ParseException e) {
      throw new IllegalStateException(e);
    }
    if (issuer == null || issuer.isBlank()) {
      throw new IllegalArgumentException("issuer is required");
    }
    this.issuer = issuer;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A signed token for {@code request}; the caller is trusted (no authorization here). */
  public String mint(MintRequest request) {
    Objects.requireNonNull(request, "request");
    long now = clock.instant().getEpochSecond();
    Map<String, Object> k8s = new LinkedHashMap<>();
    k8s.put("namespace", request.namespace());
    k8s.put("node", pair(request.nodeName(), request.nodeUid()));
    k8s.put("pod", pair(request.podName(), request.podUid()));
    k8s.put("serviceaccount", pair(request.serviceAccount(), request.serviceAccountUid()));
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("aud", request.audiences());
    claims.put("exp", now + request.expiresIn().toSeconds());
    claims.put("iat", now);
    claims.put("iss", issuer);
    claims.put("jti", UUID.randomUUID().toString());
    claims.put(ServiceAccountClaims.KUBERNETES_CLAIM, k8s);
    claims.put("nbf", now);
    claims.put(
        "sub", ServiceAccountClaims.subjectOf(request.namespace(), request.serviceAccount()));
    try {
      JWSObject jws = new JWSObject(header, new Payload(JSON.writeValueAsString(claims)));
      jws.sign(key.signer());
      return jws.serialize();
    } catch (JsonProcessingException | JOSEException e) {
      throw new IllegalStateException("signing a token failed", e);
    }
  }

  /** The issuer written into every token. */
  public String issuer() {
    return issuer;
  }

  private static Map<String, String> pair(String name, String uid) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("uid", uid);
    return m;
  }
}
