package io.podidentity.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceAccountClaimsTest {

  static String resource(String name) {
    try (InputStream in = ServiceAccountClaimsTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static Map<String, Object> seedPayload() {
    return TestTokens.json(resource("seed-payload.json"));
  }

  @Test
  void readsTheSeedsProjectedTokenPayload() {
    ServiceAccountClaims c = ServiceAccountClaims.fromPayload(seedPayload());
    assertThat(c.issuer())
        .isEqualTo("https://oidc.eks.eu-west-1.amazonaws.com/id/43E064763DAXXXXD18392C7FC9CBEA3A");
    assertThat(c.subject()).isEqualTo("system:serviceaccount:default:my-service-account");
    assertThat(c.audiences()).containsExactly("pods.eks.amazonaws.com");
    assertThat(c.expiresAt()).isEqualTo(Instant.ofEpochSecond(1765334133));
    assertThat(c.notBefore()).isEqualTo(Instant.ofEpochSecond(1765252458));
    assertThat(c.issuedAt()).isEqualTo(Instant.ofEpochSecond(1765252458));
    assertThat(c.jti()).isEqualTo("5e081212-fdf6-425c-9b32-c9a372112fd9");
    assertThat(c.namespace()).isEqualTo("default");
    assertThat(c.serviceAccountName()).isEqualTo("my-service-account");
    assertThat(c.serviceAccountUid()).isEqualTo("92a8c128-7c32-4199-be85-1f2669cf7914");
    assertThat(c.podName()).isEqualTo("my-app-77f6749799-f26hf");
    assertThat(c.podUid()).isEqualTo("8768b78a-298a-4bf5-95b4-07a181ccbc2a");
    assertThat(c.nodeName()).isEqualTo("ip-172-31-77-99.eu-west-1.compute.internal");
    assertThat(c.nodeUid()).isEqualTo("797b365b-3491-47a6-a222-ba5acf3276d8");
  }

  @Test
  void acceptsASingleStringAudienceAndNoNodeClaim() {
    Map<String, Object> p = TestTokens.copy(seedPayload());
    p.put("aud", "pods.eks.amazonaws.com");
    TestTokens.k8s(p).remove("node");
    ServiceAccountClaims c = ServiceAccountClaims.fromPayload(p);
    assertThat(c.audiences()).containsExactly("pods.eks.amazonaws.com");
    assertThat(c.nodeName()).isNull();
  }

  @Test
  void rejectsANamespaceThatIsNotADns1123Label() {
    Map<String, Object> p = TestTokens.copy(seedPayload());
    p.put("sub", "system:serviceaccount:Default:my-service-account");
    TestTokens.k8s(p).put("namespace", "Default");
    assertThatThrownBy(() -> ServiceAccountClaims.fromPayload(p))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kubernetes.io.namespace \"Default\"");
  }

  @Test
  void rejectsANonNumericExpiry() {
    Map<String, Object> p = TestTokens.copy(seedPayload());
    p.put("exp", "tomorrow");
    assertThatThrownBy(() -> ServiceAccountClaims.fromPayload(p))
        .hasMessage("claim exp must be a number");
  }

  @Test
  void constructorRejectsASubjectThatDisagreesWithTheNames() {
    assertThatThrownBy(
            () ->
                new ServiceAccountClaims(
                    "iss",
                    "system:serviceaccount:a:b",
                    List.of("aud"),
                    Instant.EPOCH,
                    null,
                    null,
                    null,
                    "a",
                    "c",
                    "sa-uid",
                    "pod",
                    "pod-uid",
                    null,
                    null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("claim sub");
  }
}
