package io.podidentity.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UpstreamFaultsTest {

  @Test
  void cachedCredentialsKeepBeingServedAfterTheServerStops() throws IOException {
    try (AgentFixture f = new AgentFixture()) {
      String token = f.token("app");
      String before = AgentFixture.json(f.get(token)).get("AccessKeyId").asText();
      f.server.stop();

      RawHttp.Response r = f.get(token);

      assertThat(r.status()).isEqualTo(200);
      assertThat(AgentFixture.json(r).get("AccessKeyId").asText()).isEqualTo(before);
    }
  }

  @Test
  void aNewTokenGetsARetryable503WhileTheServerIsDown() throws IOException {
    try (AgentFixture f = new AgentFixture()) {
      f.get(f.token("app"));
      f.server.stop();

      RawHttp.Response r = f.get(f.token("other"));

      assertThat(r.status()).isEqualTo(503);
      assertThat(AgentFixture.json(r).get("code").asText()).isEqualTo("ServerUnreachable");
      assertThat(r.header("Retry-After")).isEqualTo("1");
    }
  }

  @Test
  void aSlowServerGivesARetryable504() throws IOException {
    try (AgentFixture f = new AgentFixture(b -> b.upstreamTimeout(Duration.ofMillis(300)))) {
      f.server.delay = Duration.ofSeconds(3);

      RawHttp.Response r = f.get(f.token("app"));

      assertThat(r.status()).isEqualTo(504);
      assertThat(AgentFixture.json(r).get("code").asText()).isEqualTo("ServerTimeout");
    }
  }

  @ParameterizedTest(name = "{0} ({1}) -> {2}")
  @CsvSource({
    "InvalidTokenException, 400, 400",
    "ExpiredTokenException, 400, 400",
    "InvalidParameterException, 400, 400",
    "InvalidRequestException, 400, 400",
    "AccessDeniedException, 400, 403",
    "ResourceNotFoundException, 404, 403",
    "ThrottlingException, 429, 503",
    "InternalServerException, 500, 502",
    "ServiceUnavailableException, 503, 503",
  })
  void eksAuthErrorsMapToStatusesTheSdksHandle(String code, int upstream, int expected)
      throws IOException {
    try (AgentFixture f = new AgentFixture()) {
      f.server.failure = new FakeEksAuth.Failure(upstream, code, "canned " + code);

      RawHttp.Response r = f.get(f.token("app"));

      assertThat(r.status()).isEqualTo(expected);
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      assertThat(AgentFixture.json(r).get("code").asText()).isEqualTo(code);
      assertThat(AgentFixture.json(r).get("message").asText()).contains("canned " + code);
    }
  }

  @Test
  void serverErrorsAreRetriedOnceBeforeAnswering() throws IOException {
    try (AgentFixture f = new AgentFixture()) {
      f.server.failure = new FakeEksAuth.Failure(500, "InternalServerException", "boom");

      f.get(f.token("app"));

      assertThat(f.server.calls).hasValue(2);
    }
  }

  @Test
  void theServerRejectingTheAgentsOwnSignatureIsARetryable500() throws IOException {
    try (AgentFixture f =
        new AgentFixture(
            b ->
                b.credentials(
                    new AgentCredentials.Static(
                        FakeEksAuth.AGENT_KEY, "wrong-secret", Optional.empty())))) {
      RawHttp.Response r = f.get(f.token("app"));

      assertThat(r.status()).isEqualTo(500);
      assertThat(AgentFixture.json(r).get("code").asText()).isEqualTo("ServerRejectedAgent");
      assertThat(r.body()).doesNotContain("wrong-secret");
      assertThat(f.server.signatureFailures).isNotEmpty();
    }
  }

  @Test
  void errorsAreNotCached() throws IOException {
    try (AgentFixture f = new AgentFixture()) {
      String token = f.token("app");
      f.server.failure = new FakeEksAuth.Failure(404, "ResourceNotFoundException", "none yet");
      assertThat(f.get(token).status()).isEqualTo(403);
      f.server.failure = null;

      assertThat(f.get(token).status()).isEqualTo(200);
    }
  }
}
