package io.podidentity.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.podidentity.http.Json;
import io.podidentity.testing.RawClient;
import io.podidentity.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /podidentity/v1/audit filters by time range, namespace, service account and role. */
class AuditApiTest {
  static TestServer ts;
  static RawClient admin;
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  @BeforeAll
  static void start() {
    ts = new TestServer();
    admin = ts.adminClient();
    AuditLog log = new AuditLog(ts.server().database());
    log.record(issued(T0, "team-a", "reader", "arn:aws:iam::111122223333:role/reader"));
    log.record(
        issued(T0.plusSeconds(3600), "team-a", "writer", "arn:aws:iam::111122223333:role/writer"));
    log.record(
        issued(T0.plusSeconds(7200), "team-b", "reader", "arn:aws:iam::111122223333:role/reader"));
  }

  @AfterAll
  static void stop() {
    ts.close();
  }

  static AuditRecord issued(Instant at, String ns, String sa, String role) {
    return new AuditRecord(
        at,
        "local",
        Optional.of(ns),
        Optional.of(sa),
        Optional.of(sa + "-pod"),
        Optional.of("uid"),
        Optional.of("node"),
        Optional.of("a-aaaaaaaaaaaaaaaaa"),
        Optional.of(role),
        Optional.of("eks-local-" + sa),
        Optional.of("ASIAEXAMPLEEXAMPLE1"),
        Optional.of(at.plusSeconds(21600)),
        AuditRecord.Outcome.ISSUED,
        Optional.empty(),
        Optional.of("arn:aws:iam::111122223333:user/podidentity-agent"),
        Optional.empty());
  }

  static List<String> serviceAccounts(String query) throws Exception {
    HttpResponse<String> r = admin.signed("GET", "/podidentity/v1/audit" + query, null, "eks");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    for (JsonNode n : Json.MAPPER.readTree(r.body()).path("records")) {
      out.add(n.path("namespace").asText() + "/" + n.path("serviceAccount").asText());
    }
    return out;
  }

  @Test
  void newestFirstWithoutFilters() throws Exception {
    assertThat(serviceAccounts(""))
        .containsExactly("team-b/reader", "team-a/writer", "team-a/reader");
  }

  @Test
  void filtersByTimeRange() throws Exception {
    assertThat(serviceAccounts("?from=2026-11-23T10:30:00Z&to=2026-11-23T11:30:00Z"))
        .containsExactly("team-a/writer");
  }

  @Test
  void filtersByNamespaceAndServiceAccount() throws Exception {
    assertThat(serviceAccounts("?namespace=team-a&serviceAccount=reader"))
        .containsExactly("team-a/reader");
  }

  @Test
  void filtersByRole() throws Exception {
    assertThat(serviceAccounts("?roleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Freader"))
        .containsExactly("team-b/reader", "team-a/reader");
  }

  @Test
  void aMalformedTimeIsInvalidParameter() {
    HttpResponse<String> r =
        admin.signed("GET", "/podidentity/v1/audit?from=yesterday", null, "eks");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("x-amzn-ErrorType")).contains("InvalidParameterException");
  }

  @Test
  void theAgentKeyMayNotReadTheAuditTrail() {
    RawClient agent = ts.agentClient();
    assertThat(agent.signed("GET", "/podidentity/v1/audit", null, "eks").statusCode())
        .isEqualTo(403);
  }
}
