package io.podidentity.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;

class JwkKeysTest {

  @Test
  void symmetricKeysAreNeverUsed() throws JOSEException {
    var oct = new OctetSequenceKeyGenerator(256).keyID("hmac").generate();
    JwkKeys keys = JwkKeys.of(List.of(oct));
    assertThat(keys.size()).isZero();
    assertThat(keys.verifiers("hmac", JWSAlgorithm.HS256)).isEmpty();
  }

  @Test
  void rsaKeysBelow2048BitsAreSkipped() throws JOSEException {
    var small = new RSAKeyGenerator(1024, true).keyID("small").generate();
    assertThat(JwkKeys.of(List.of(small.toPublicJWK())).containsKid("small")).isFalse();
  }

  @Test
  void encryptionKeysAreSkipped() throws JOSEException {
    var enc = new RSAKeyGenerator(2048).keyID("enc").keyUse(KeyUse.ENCRYPTION).generate();
    assertThat(JwkKeys.of(List.of(enc.toPublicJWK())).size()).isZero();
  }

  @Test
  void aKeysAlgRestrictsItToThatAlgorithm() throws JOSEException {
    var rsa = new RSAKeyGenerator(2048).keyID("r").algorithm(JWSAlgorithm.RS256).generate();
    JwkKeys keys = JwkKeys.of(List.of(rsa.toPublicJWK()));
    assertThat(keys.verifiers("r", JWSAlgorithm.RS256)).hasSize(1);
    assertThat(keys.verifiers("r", JWSAlgorithm.PS256)).isEmpty();
  }

  @Test
  void ecKeysVerifyOnlyTheirCurvesAlgorithm() throws JOSEException {
    var ec = new ECKeyGenerator(Curve.P_384).keyID("e").generate();
    JwkKeys keys = JwkKeys.of(List.of(ec.toPublicJWK()));
    assertThat(keys.verifiers("e", JWSAlgorithm.ES384)).hasSize(1);
    assertThat(keys.verifiers("e", JWSAlgorithm.ES256)).isEmpty();
  }

  @Test
  void oneUnparseableKeyDoesNotSpoilTheSet() throws JOSEException {
    var rsa = new RSAKeyGenerator(2048).keyID("good").generate();
    String json =
        "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"broken\"},"
            + rsa.toPublicJWK().toJSONString()
            + "]}";
    assertThat(JwkKeys.parse(json).kids()).containsExactly("good");
  }

  @Test
  void aDocumentWithoutKeysIsRefused() {
    assertThatThrownBy(() -> JwkKeys.parse("{\"issuer\":\"x\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keys");
  }

  @Test
  void aJwksThatAlsoHoldsPrivatePartsStillVerifies() throws JOSEException {
    var rsa = new RSAKeyGenerator(2048).keyID("k").generate();
    JwkKeys keys = JwkKeys.parse(new JWKSet(rsa).toString(false));
    assertThat(keys.verifiers("k", JWSAlgorithm.RS256)).hasSize(1);
  }
}
