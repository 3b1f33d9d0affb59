package io.podidentity.token;

import static io.podidentity.token.TestTokens.ISSUER;
import static io.podidentity.token.TestTokens.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.podidentity.api.ApiException;
import io.podidentity.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {
  private static LocalSigningKey key;
  private static RSAKey otherRsa;
  private static ECKey ecKey;

  private MutableClock clock;
  private TokenMinter minter;
  private TokenVerifier verifier;
  private ClusterTrust trust;

  @BeforeAll
  static void keys() throws JOSEException {
    key = LocalSigningKey.generate();
    otherRsa = new RSAKeyGenerator(2048).keyID("other").generate();
    ecKey = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
  }

  @BeforeEach
  void setUp() {
    clock = new MutableClock(T0);
    minter = new TokenMinter(key, ISSUER, clock);
    verifier = TokenVerifier.standard(clock);
    trust = new ClusterTrust("local", ISSUER, key.jwksSource());
  }

  private String minted() {
    return minter.mint(MintRequest.of("default", "my-sa").withPod("my-app-7f9c-abcde", "uid-1"));
  }

  /** A correctly signed token with {@code edit} applied to a minted token's payload. */
  private String resigned(java.util.function.Consumer<Map<String, Object>> edit) {
    Map<String, Object> payload = TestTokens.copy(TestTokens.payload(minted()));
    edit.accept(payload);
    return TestTokens.sign(TestTokens.rs256(key.kid()), payload, key.signer());
  }

  private AbstractThrowableAssert<?, ? extends Throwable> assertRejected(
      String token, String code) {
    return assertThatThrownBy(() -> verifier.verify(token, trust))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo(code);
              assertThat(e.status()).isEqualTo(400);
            });
  }

  @Test
  void mintedTokenVerifies() {
    ServiceAccountClaims c = verifier.verify(minted(), trust);
    assertThat(c.namespace()).isEqualTo("default");
    assertThat(c.serviceAccountName()).isEqualTo("my-sa");
    assertThat(c.subject()).isEqualTo("system:serviceaccount:default:my-sa");
    assertThat(c.podName()).isEqualTo("my-app-7f9c-abcde");
    assertThat(c.podUid()).isEqualTo("uid-1");
    assertThat(c.nodeName()).isEqualTo(MintRequest.DEFAULT_NODE);
    assertThat(c.audiences()).containsExactly("pods.eks.amazonaws.com");
    assertThat(c.issuer()).isEqualTo(ISSUER);
    assertThat(c.expiresAt()).isEqualTo(T0.plusSeconds(86400));
  }

  @Test
  void forgedSignatureIsInvalidToken() {
    Map<String, Object> payload = TestTokens.payload(minted());
    String forged = TestTokens.sign(TestTokens.rs256(key.kid()), payload, rsaSigner(otherRsa));
    assertRejected(forged, "InvalidTokenException").hasMessageContaining("signature");
  }

  @Test
  void payloadSwappedUnderAValidSignatureIsInvalidToken() {
    String[] good = minted().split("\\.");
    Map<String, Object> payload = TestTokens.copy(TestTokens.payload(minted()));
    payload.put("sub", "system:serviceaccount:kube-system:admin");
    TestTokens.k8s(payload).put("namespace", "kube-system");
    TestTokens.k8s(payload, "serviceaccount").put("name", "admin");
    String swapped =
        good[0]
            + "."
            + TestTokens.b64(com.nimbusds.jose.util.JSONObjectUtils.toJSONString(payload))
            + "."
            + good[2];
    assertRejected(swapped, "InvalidTokenException").hasMessageContaining("signature");
  }

  @Test
  void wrongAudienceIsInvalidToken() {
    String token =
        minter.mint(MintRequest.of("default", "my-sa").withAudiences(List.of("sts.amazonaws.com")));
    assertRejected(token, "InvalidTokenException").hasMessageContaining("audience");
  }

  @Test
  void audienceIsConfigurablePerCluster() {
    String token = minter.mint(MintRequest.of("default", "my-sa").withAudiences(List.of("x", "y")));
    ServiceAccountClaims c =
        verifier.verify(token, new ClusterTrust("local", ISSUER, "y", key.jwksSource()));
    assertThat(c.audiences()).containsExactly("x", "y");
  }

  @Test
  void wrongIssuerIsInvalidToken() {
    String token =
        new TokenMinter(key, ISSUER + "/", clock).mint(MintRequest.of("default", "my-sa"));
    assertRejected(token, "InvalidTokenException").hasMessageContaining("issuer");
  }

  @Test
  void expiredTokenIsExpiredToken() {
    String token = minted();
    clock.advance(Duration.ofSeconds(86400 + 61));
    assertRejected(token, "ExpiredTokenException")
        .hasMessage("The specified Kubernetes service account token is expired.");
  }

  @Test
  void expiryWithinSixtySecondsOfSkewStillVerifies() {
    String token = minted();
    clock.advance(Duration.ofSeconds(86400 + 60));
    assertThat(verifier.verify(token, trust).podUid()).isEqualTo("uid-1");
  }

  @Test
  void notYetValidTokenIsInvalidToken() {
    String token = minted();
    clock.set(T0.minusSeconds(61));
    assertRejected(token, "InvalidTokenException").hasMessageContaining("not valid yet");
  }

  @Test
  void notBeforeWithinSixtySecondsOfSkewVerifies() {
    String token = minted();
    clock.set(T0.minusSeconds(60));
    assertThat(verifier.verify(token, trust).namespace()).isEqualTo("default");
  }

  @Test
  void algNoneIsInvalidToken() {
    Map<String, Object> payload = TestTokens.payload(minted());
    String token =
        TestTokens.b64("{\"alg\":\"none\",\"kid\":\"" + key.kid() + "\"}")
            + "."
            + TestTokens.b64(com.nimbusds.jose.util.JSONObjectUtils.toJSONString(payload))
            + ".AAAA";
    assertRejected(token, "InvalidTokenException").hasMessageContaining("alg none");
  }

  @Test
  void hs256WithThePublicKeyAsSecretIsInvalidToken() throws JOSEException {
    Map<String, Object> payload = TestTokens.payload(minted());
    Map<String, Object> header = Map.of("alg", "HS256", "kid", key.kid());
    byte[] der = key.publicKey().getEncoded();
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(der)
            + "\n-----END PUBLIC KEY-----\n";
    for (byte[] secret : List.of(der, pem.getBytes(StandardCharsets.US_ASCII))) {
      String token = TestTokens.sign(header, payload, new MACSigner(secret));
      assertRejected(token, "InvalidTokenException").hasMessageContaining("algorithm");
    }
  }

  @Test
  void aKeyEmbeddedInTheHeaderIsNotTrusted() {
    Map<String, Object> header =
        Map.of("alg", "RS256", "jwk", otherRsa.toPublicJWK().toJSONObject());
    String token = TestTokens.sign(header, TestTokens.payload(minted()), rsaSigner(otherRsa));
    assertRejected(token, "InvalidTokenException").hasMessageContaining("signature");
  }

  @Test
  void unknownKidIsInvalidToken() {
    Map<String, Object> payload = TestTokens.payload(minted());
    String token = TestTokens.sign(TestTokens.rs256("no-such-kid"), payload, rsaSigner(otherRsa));
    assertRejected(token, "InvalidTokenException").hasMessageContaining("key");
  }

  @Test
  void oversizedTokenIsInvalidToken() {
    String token = resigned(p -> p.put("padding", "x".repeat(16 * 1024)));
    assertThat(token.length()).isGreaterThan(16 * 1024);
    assertRejected(token, "InvalidTokenException").hasMessageContaining("16384");
  }

  @Test
  void subjectDisagreeingWithTheNamespaceClaimIsInvalidToken() {
    String token = resigned(p -> p.put("sub", "system:serviceaccount:kube-system:my-sa"));
    assertRejected(token, "InvalidTokenException").hasMessageContaining("sub");
  }

  @Test
  void subjectDisagreeingWithTheServiceAccountClaimIsInvalidToken() {
    String token = resigned(p -> TestTokens.k8s(p, "serviceaccount").put("name", "someone-else"));
    assertRejected(token, "InvalidTokenException").hasMessageContaining("sub");
  }

  @Test
  void subjectThatIsNotAServiceAccountIsInvalidToken() {
    String token = resigned(p -> p.put("sub", "system:node:my-node"));
    assertRejected(token, "InvalidTokenException").hasMessageContaining("sub");
  }

  @Test
  void missingPodNameIsInvalidToken() {
    String token = resigned(p -> TestTokens.k8s(p, "pod").remove("name"));
    assertRejected(token, "InvalidTokenException").hasMessageContaining("kubernetes.io.pod.name");
  }

  @Test
  void missingPodUidIsInvalidToken() {
    String token = resigned(p -> TestTokens.k8s(p, "pod").remove("uid"));
    assertRejected(token, "InvalidTokenException").hasMessageContaining("kubernetes.io.pod.uid");
  }

  @Test
  void tokenNotBoundToAPodIsInvalidToken() {
    String token = resigned(p -> TestTokens.k8s(p).remove("pod"));
    assertRejected(token, "InvalidTokenException").hasMessageContaining("kubernetes.io.pod");
  }

  @Test
  void missingExpiryIsInvalidToken() {
    String token = resigned(p -> p.remove("exp"));
    assertRejected(token, "InvalidTokenException").hasMessageContaining("exp");
  }

  @Test
  void es256TokenVerifiesAgainstAnEcKey() throws JOSEException {
    ClusterTrust ecTrust =
        new ClusterTrust(
            "ec", ISSUER, JwksSource.inline(new JWKSet(ecKey).toPublicJWKSet().toString()));
    Map<String, Object> header = Map.of("alg", "ES256", "kid", "ec-1");
    String token = TestTokens.sign(header, TestTokens.payload(minted()), new ECDSASigner(ecKey));
    assertThat(verifier.verify(token, ecTrust).serviceAccountName()).isEqualTo("my-sa");
  }

  @Test
  void es256TokenNamingAnRsaKeyIsInvalidToken() throws JOSEException {
    Map<String, Object> header = Map.of("alg", "ES256", "kid", key.kid());
    String token = TestTokens.sign(header, TestTokens.payload(minted()), new ECDSASigner(ecKey));
    assertRejected(token, "InvalidTokenException").hasMessageContaining("algorithm");
  }

  @Test
  void tokenWithoutKidIsTriedAgainstEveryKey() {
    String jwks = new JWKSet(List.of(otherRsa.toPublicJWK(), publicJwk(key))).toString();
    ClusterTrust two = new ClusterTrust("two", ISSUER, JwksSource.inline(jwks));
    String token =
        TestTokens.sign(TestTokens.rs256(null), TestTokens.payload(minted()), key.signer());
    assertThat(verifier.verify(token, two).podUid()).isEqualTo("uid-1");
  }

  @Test
  void garbageIsInvalidParameter() {
    assertRejected("this is not a token", "InvalidParameterException");
  }

  @Test
  void emptyTokenIsInvalidParameter() {
    assertRejected("", "InvalidParameterException");
  }

  @Test
  void threePartsOfGarbageAreInvalidToken() {
    assertRejected("aaaa.bbbb.cccc", "InvalidTokenException").hasMessageContaining("header");
  }

  @Test
  void criticalHeaderParametersAreInvalidToken() {
    Map<String, Object> header = Map.of("alg", "RS256", "kid", key.kid(), "crit", List.of("exp"));
    String token = TestTokens.sign(header, TestTokens.payload(minted()), key.signer());
    assertRejected(token, "InvalidTokenException").hasMessageContaining("critical");
  }

  @Test
  void errorsNeverContainTheToken() {
    String token = minted();
    clock.advance(Duration.ofDays(2));
    String[] parts = token.split("\\.");
    assertThatThrownBy(() -> verifier.verify(token, trust))
        .satisfies(
            e -> {
              assertThat(e.getMessage()).doesNotContain(parts[0], parts[1], parts[2]);
              assertThat(e.toString()).doesNotContain(parts[1]);
            });
  }

  private static RSASSASigner rsaSigner(RSAKey k) {
    try {
      return new RSASSASigner(k);
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
  }

  private static RSAKey publicJwk(LocalSigningKey k) {
    try {
      return (RSAKey) JWKSet.parse(k.publicJwksJson()).getKeys().get(0);
    } catch (java.text.ParseException e) {
      throw new AssertionError(e);
    }
  }
}
