package io.podidentity.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An immutable, parsed JSON Web Key Set (RFC 7517) ready for signature verification: each usable
 * public key is turned into its verifier once, so verifying a token never re-parses the JWKS.
 *
 * <p>Usable keys: RSA of at least 2048 bits (RS256/384/512, PS256/384/512) and EC on P-256, P-384
 * or P-521 (ES256, ES384, ES512 respectively), with {@code use} absent or {@code sig}; a key's
 * {@code alg}, when present, restricts it to that algorithm. Symmetric ({@code oct}) keys are never
 * used: an HMAC "signature" proves nothing about the issuer. Other keys are skipped, not fatal, so
 * one exotic key does not take a cluster's whole key set down.
 */
public final class JwkKeys {
  private static final Logger LOG = LoggerFactory.getLogger(JwkKeys.class);

  /** The most keys read from one JWKS document. */
  public static final int MAX_KEYS = 100;

  /** Algorithms an RSA key may verify. */
  public static final Set<JWSAlgorithm> RSA_ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512);

  private static final JwkKeys EMPTY = new JwkKeys(List.of());

  private record Entry(String kid, JWSVerifier verifier, Set<JWSAlgorithm> algorithms) {}

  private final List<Entry> all;
  private final Map<String, List<Entry>> byKid;

  private JwkKeys(List<Entry> entries) {
    this.all = List.copyOf(entries);
    Map<String, List<Entry>> m = new LinkedHashMap<>();
    for (Entry e : entries) {
      if (e.kid() != null) {
        m.computeIfAbsent(e.kid(), k -> new ArrayList<>()).add(e);
      }
    }
    m.replaceAll((k, v) -> List.copyOf(v));
    this.byKid = Collections.unmodifiableMap(m);
  }

  /** A key set without keys. */
  public static JwkKeys empty() {
    return EMPTY;
  }

  /**
   * Parses a JWKS document ({@code {"keys":[...]}}).
   *
   * @throws IllegalArgumentException if it is not a JSON object with a {@code keys} array, or has
   *     more than {@link #MAX_KEYS} keys
   */
  public static JwkKeys parse(String jwksJson) {
    Objects.requireNonNull(jwksJson, "jwksJson");
    Map<String, Object> doc;
    try {
      doc = JSONObjectUtils.parse(jwksJson);
    } catch (ParseException e) {
      throw new IllegalArgumentException("JWKS is not a JSON object", e);
    }
    if (!(doc.get("keys") instanceof List<?> keys)) {
      throw new IllegalArgumentException("JWKS has no \"keys\" array");
    }
    if (keys.size() > MAX_KEYS) {
      throw new IllegalArgumentException(
          "JWKS has " + keys.size() + " keys; at most " + MAX_KEYS + " are accepted");
    }
    List<JWK> jwks = new ArrayList<>(keys.size());
    for (Object o : keys) {
      if (!(o instanceof Map<?, ?> m)) {
        LOG.debug("skipping a JWKS entry that is not a JSON object");
        continue;
      }
      try {
        jwks.add(JWK.parse(stringKeys(m)));
      } catch (ParseException e) {
        LOG.debug("skipping an unparseable JWK: {}", e.getMessage());
      }
    }
    return of(jwks);
  }

  /** Builds the key set from parsed JWKs, skipping unusable ones (see the class comment). */
  public static JwkKeys of(List<? extends JWK> keys) {
    List<Entry> entries = new ArrayList<>();
    for (JWK jwk : keys) {
      Entry e = entry(jwk);
      if (e != null) {
        entries.add(e);
      }
    }
    return new JwkKeys(entries);
  }

  /** Whether some usable key has this key id. */
  public boolean containsKid(String kid) {
    return byKid.containsKey(kid);
  }

  /** The key ids of the usable keys. */
  public Set<String> kids() {
    return byKid.keySet();
  }

  /** The number of usable keys. */
  public int size() {
    return all.size();
  }

  /**
   * The verifiers to try for a token signed with {@code alg}: the keys with this {@code kid} when
   * it is non-null, otherwise every key; in both cases only keys able to verify {@code alg}.
   */
  public List<JWSVerifier> verifiers(String kid, JWSAlgorithm alg) {
    List<Entry> candidates = kid == null ? all : byKid.getOrDefault(kid, List.of());
    List<JWSVerifier> out = new ArrayList<>(candidates.size());
    for (Entry e : candidates) {
      if (e.algorithms().contains(alg)) {
        out.add(e.verifier());
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "JwkKeys" + byKid.keySet() + (all.size() > byKid.size() ? "+kidless" : "");
  }

  private static Map<String, Object> stringKeys(Map<?, ?> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }

  private static Entry entry(JWK jwk) {
    if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
      return null;
    }
    JWSAlgorithm declared =
        jwk.getAlgorithm() == null ? null : JWSAlgorithm.parse(jwk.getAlgorithm().getName());
    try {
      if (jwk instanceof RSAKey rsa) {
        if (rsa.size() < 2048) {
          LOG.warn("skipping RSA key {}: {} bits is below 2048", jwk.getKeyID(), rsa.size());
          return null;
        }
        Set<JWSAlgorithm> algs = restrict(RSA_ALGORITHMS, declared);
        return algs.isEmpty()
            ? null
            : new Entry(jwk.getKeyID(), new RSASSAVerifier(rsa.toRSAPublicKey()), algs);
      }
      if (jwk instanceof ECKey ec) {
        JWSAlgorithm alg = ecAlgorithm(ec.getCurve());
        if (alg == null) {
          return null;
        }
        Set<JWSAlgorithm> algs = restrict(Set.of(alg), declared);
        return algs.isEmpty()
            ? null
            : new Entry(jwk.getKeyID(), new ECDSAVerifier(ec.toECPublicKey()), algs);
      }
    } catch (JOSEException e) {
      LOG.debug("skipping unusable key {}: {}", jwk.getKeyID(), e.getMessage());
    }
    return null;
  }

  private static Set<JWSAlgorithm> restrict(Set<JWSAlgorithm> family, JWSAlgorithm declared) {
    if (declared == null) {
      return family;
    }
    return family.contains(declared) ? Set.of(declared) : Set.of();
  }

  private static JWSAlgorithm ecAlgorithm(Curve curve) {
    if (Curve.P_256.equals(curve)) {
      return JWSAlgorithm.ES256;
    }
    if (Curve.P_384.equals(curve)) {
      return JWSAlgorithm.ES384;
    }
    if (Curve.P_521.equals(curve)) {
      return JWSAlgorithm.ES512;
    }
    return null;
  }
}
