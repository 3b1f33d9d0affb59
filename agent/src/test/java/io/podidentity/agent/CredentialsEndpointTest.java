package io.podidentity.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CredentialsEndpointTest {
  private AgentFixture f;

  @BeforeEach
  void start() throws IOException {
    f = new AgentFixture();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void answersCredentialsInTheFormatOfAwsAgent() throws IOException {
    RawHttp.Response r = f.get(f.token("app"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    List<String> keys = new ArrayList<>();
    for (Iterator<String> it = AgentFixture.json(r).fieldNames(); it.hasNext(); ) {
      keys.add(it.next());
    }
    assertThat(keys)
        .containsExactly("AccessKeyId", "SecretAccessKey", "Token", "AccountId", "Expiration");
    JsonNode j = AgentFixture.json(r);
    assertThat(j.get("AccessKeyId").asText()).startsWith("ASIA");
    assertThat(j.get("SecretAccessKey").asText()).isEqualTo("secret-app-1");
    assertThat(j.get("Token").asText()).isEqualTo("session-app-1");
    assertThat(j.get("AccountId").asText()).isEqualTo("111122223333");
    assertThat(j.get("Expiration").asText())
        .matches("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$");
  }

  @Test
  void acceptsABearerPrefix() throws IOException {
    RawHttp.Response r = f.get("Bearer " + f.token("app"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(AgentFixture.json(r).get("Token").asText()).isEqualTo("session-app-1");
  }

  @Test
  void missingTokenIs400WithAJsonError() throws IOException {
    RawHttp.Response r = f.getWith("127.0.0.1", Map.of());

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(AgentFixture.json(r).get("code").asText()).isEqualTo("MissingToken");
    assertThat(AgentFixture.json(r).get("message").asText()).contains("Authorization");
  }

  @Test
  void garbageTokenIs400WithoutCallingTheServerNorEchoingIt() throws IOException {
    String garbage = "not-a-jwt-secretish-value";
    RawHttp.Response r = f.get(garbage);

    assertThat(r.status()).isEqualTo(400);
    assertThat(AgentFixture.json(r).get("code").asText()).isEqualTo("InvalidToken");
    assertThat(r.body()).doesNotContain(garbage);
    assertThat(f.server.calls).hasValue(0);
  }

  @Test
  void expiredTokenIs400WithoutCallingTheServer() throws IOException {
    RawHttp.Response r = f.get(Tokens.expired("app", f.clock.instant()));

    assertThat(r.status()).isEqualTo(400);
    assertThat(AgentFixture.json(r).get("code").asText()).isEqualTo("ExpiredToken");
    assertThat(f.server.calls).hasValue(0);
  }

  @Test
  void wrongHostIs403() throws IOException {
    RawHttp.Response r = f.getWith("evil.example.com", Map.of("Authorization", f.token("app")));

    assertThat(r.status()).isEqualTo(403);
    assertThat(AgentFixture.json(r).get("code").asText()).isEqualTo("InvalidHost");
    assertThat(f.server.calls).hasValue(0);
  }

  @Test
  void localhostIsAnAllowedHostWhenListeningOnLoopback() throws IOException {
    RawHttp.Response r =
        f.getWith("localhost:" + f.agent.port(), Map.of("Authorization", f.token("app")));

    assertThat(r.status()).isEqualTo(200);
  }

  @Test
  void headerOverTheLimitIs431AndTheAgentKeepsServing() throws IOException {
    RawHttp.Response big = f.getWith("127.0.0.1", Map.of("Authorization", "x".repeat(20 * 1024)));

    assertThat(big.status()).isEqualTo(431);
    assertThat(AgentFixture.json(big).get("code").asText()).isEqualTo("RequestHeaderTooLarge");
    assertThat(f.get(f.token("app")).status()).isEqualTo(200);
  }

  @Test
  void headerOverTheHardLimitIs400AndTheAgentKeepsServing() throws IOException {
    RawHttp.Response huge = f.getWith("127.0.0.1", Map.of("Authorization", "x".repeat(200 * 1024)));

    assertThat(huge.status()).isEqualTo(400);
    assertThat(AgentFixture.json(huge).get("code").asText()).isEqualTo("BadRequest");
    assertThat(f.get(f.token("app")).status()).isEqualTo(200);
  }

  @Test
  void badRequestsDoNotStopTheAgent() throws IOException {
    f.getWith("127.0.0.1", Map.of());
    f.get("garbage");
    f.getWith("wrong", Map.of("Authorization", f.token("a")));
    f.getWith("127.0.0.1", Map.of("Authorization", "y".repeat(100_000)));

    assertThat(f.get(f.token("app")).status()).isEqualTo(200);
  }

  @Test
  void anIpv6LoopbackListenerAcceptsItsBracketedHost() throws IOException {
    try (AgentFixture v6 = new AgentFixture(b -> b.listen(new BindAddress("::1", 0)))) {
      java.net.URI uri = v6.agent.credentialsUri();
      assertThat(uri.getHost()).isEqualTo("[0:0:0:0:0:0:0:1]");

      java.net.http.HttpResponse<String> r =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(
                              "http://[::1]:" + v6.agent.port() + "/v1/credentials"))
                      .header("Authorization", v6.token("app"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).isEqualTo(200);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void otherPathsAre404() throws IOException {
    RawHttp.Response r = RawHttp.get(f.agent.port(), "/", "127.0.0.1", Map.of());

    assertThat(r.status()).isEqualTo(404);
  }
}
