package io.podidentity.token;

import static io.podidentity.token.TestTokens.ISSUER;
import static io.podidentity.token.TestTokens.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenMinterTest {
  private static LocalSigningKey key;
  private final TokenMinter minter = new TokenMinter(key, ISSUER, Clock.fixed(T0, ZoneOffset.UTC));

  @BeforeAll
  static void key() {
    key = LocalSigningKey.generate();
  }

  @Test
  void headerHasExactlyTheSeedsFields() {
    String token = minter.mint(MintRequest.of("default", "my-sa"));
    assertThat(TestTokens.header(token).keySet())
        .containsExactlyElementsOf(
            TestTokens.json(ServiceAccountClaimsTest.resource("seed-header.json")).keySet());
    assertThat(TestTokens.header(token))
        .containsEntry("alg", "RS256")
        .containsEntry("kid", key.kid());
  }

  @Test
  void payloadHasExactlyTheClaimsOfAKubeApiserverProjectedToken() {
    Map<String, Object> seed = ServiceAccountClaimsTest.seedPayload();
    Map<String, Object> p = TestTokens.payload(minter.mint(MintRequest.of("default", "my-sa")));
    assertThat(p.keySet()).containsExactlyElementsOf(seed.keySet());
    assertThat(TestTokens.k8s(p).keySet()).containsExactlyElementsOf(TestTokens.k8s(seed).keySet());
    for (String object : List.of("node", "pod", "serviceaccount")) {
      assertThat(TestTokens.k8s(p, object).keySet()).containsExactly("name", "uid");
    }
  }

  @Test
  void audienceIsAlwaysAnArrayAsKubeApiserverWritesIt() {
    Map<String, Object> p = TestTokens.payload(minter.mint(MintRequest.of("default", "my-sa")));
    assertThat(p.get("aud")).isEqualTo(List.of("pods.eks.amazonaws.com"));
  }

  @Test
  void timesDefaultToADayFromNowWithNotBeforeEqualToIssuedAt() {
    Map<String, Object> p = TestTokens.payload(minter.mint(MintRequest.of("default", "my-sa")));
    assertThat(((Number) p.get("iat")).longValue()).isEqualTo(T0.getEpochSecond());
    assertThat(p.get("nbf")).isEqualTo(p.get("iat"));
    assertThat(((Number) p.get("exp")).longValue()).isEqualTo(T0.getEpochSecond() + 86400);
  }

  @Test
  void subjectNamesTheServiceAccount() {
    Map<String, Object> p = TestTokens.payload(minter.mint(MintRequest.of("team-a", "reader")));
    assertThat(p.get("sub")).isEqualTo("system:serviceaccount:team-a:reader");
    assertThat(TestTokens.k8s(p)).containsEntry("namespace", "team-a");
    assertThat(TestTokens.k8s(p, "serviceaccount")).containsEntry("name", "reader");
  }

  @Test
  void defaultPodNameLooksLikeADeploymentsPod() {
    MintRequest r = MintRequest.of("default", "my-sa");
    assertThat(r.podName())
        .matches("my-sa-[bcdfghjklmnpqrstvwxz2456789]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}");
    assertThat(r.podUid())
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  }

  @Test
  void serviceAccountAndNodeUidsAreStableAcrossTokens() {
    MintRequest a = MintRequest.of("default", "my-sa");
    MintRequest b = MintRequest.of("default", "my-sa");
    assertThat(a.serviceAccountUid()).isEqualTo(b.serviceAccountUid());
    assertThat(a.nodeUid()).isEqualTo(b.nodeUid());
    assertThat(a.podUid()).isNotEqualTo(b.podUid());
  }

  @Test
  void everyTokenHasItsOwnJti() {
    MintRequest r = MintRequest.of("default", "my-sa");
    assertThat(TestTokens.payload(minter.mint(r)).get("jti"))
        .isNotEqualTo(TestTokens.payload(minter.mint(r)).get("jti"));
  }

  @Test
  void rejectsANamespaceThatIsNotADns1123Label() {
    assertThatThrownBy(() -> MintRequest.of("My_NS", "sa"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("namespace \"My_NS\" is not a valid DNS-1123 label");
  }

  @Test
  void rejectsAServiceAccountThatIsNotADns1123Subdomain() {
    assertThatThrownBy(() -> MintRequest.of("default", "-bad"))
        .hasMessageStartingWith("service account \"-bad\" is not a valid DNS-1123 subdomain");
  }

  @Test
  void rejectsAPodNameThatIsNotADns1123Subdomain() {
    assertThatThrownBy(() -> MintRequest.of("default", "sa").withPod("Pod!", null))
        .hasMessageStartingWith("pod name \"Pod!\"");
  }

  @Test
  void rejectsLifetimesBelowKubeApiserversTenMinutes() {
    assertThatThrownBy(() -> MintRequest.of("default", "sa").withExpiresIn(Duration.ofSeconds(599)))
        .hasMessageContaining("expires-in 599 s is out of range");
  }

  @Test
  void acceptsTheTenMinuteMinimum() {
    Map<String, Object> p =
        TestTokens.payload(
            minter.mint(MintRequest.of("default", "sa").withExpiresIn(Duration.ofMinutes(10))));
    assertThat(((Number) p.get("exp")).longValue()).isEqualTo(T0.getEpochSecond() + 600);
  }

  @Test
  void rejectsAnEmptyAudienceList() {
    assertThatThrownBy(() -> MintRequest.of("default", "sa").withAudiences(List.of()))
        .hasMessageContaining("audience");
  }
}
