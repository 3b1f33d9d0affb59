package io.podidentity.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.podidentity.testing.RawClient;
import io.podidentity.testing.TestServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every error comes back in the protocol's envelope with the right status, never a 500. */
class FrontDoorErrorTest {
  static TestServer ts;
  static RawClient admin;

  @BeforeAll
  static void start() {
    ts = new TestServer();
    admin = ts.adminClient();
  }

  @AfterAll
  static void stop() {
    ts.close();
  }

  static JsonNode assertEnvelope(HttpResponse<String> r, int status, String code) throws Exception {
    assertThat(r.statusCode()).isEqualTo(status);
    assertThat(r.headers().firstValue("x-amzn-ErrorType")).contains(code);
    assertThat(r.headers().firstValue("x-amzn-RequestId")).isPresent();
    assertThat(r.headers().firstValue("content-type")).contains("application/json");
    JsonNode n = Json.MAPPER.readTree(r.body());
    assertThat(n.path("__type").asText()).isEqualTo(code);
    assertThat(n.path("message").asText()).isNotBlank();
    return n;
  }

  @Test
  void unsignedRequestIsMissingAuthenticationToken() throws Exception {
    assertEnvelope(
        admin.unsigned("GET", "/clusters", null), 403, "MissingAuthenticationTokenException");
  }

  @Test
  void unsignedQueryRequestGetsTheQueryEnvelope() {
    HttpResponse<String> r =
        admin.unsigned("GET", "/?Action=GetCallerIdentity&Version=2011-06-15", null);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("<ErrorResponse", "<Code>MissingAuthenticationToken</Code>");
  }

  @Test
  void wrongSecretIsInvalidSignature() throws Exception {
    RawClient bad =
        new RawClient(ts.endpoint(), ts.server().adminKey().accessKeyId(), "x".repeat(40));
    assertEnvelope(bad.signed("GET", "/clusters", null, "eks"), 403, "InvalidSignatureException");
  }

  @Test
  void unknownKeyIsUnrecognizedClient() throws Exception {
    RawClient bad = new RawClient(ts.endpoint(), "AKIAUNKNOWNUNKNOWN12", "x".repeat(40));
    assertEnvelope(bad.signed("GET", "/clusters", null, "eks"), 403, "UnrecognizedClientException");
  }

  @Test
  void unknownRouteIsNotFoundInEnvelope() throws Exception {
    assertEnvelope(
        admin.signed("GET", "/nothing/here", null, "eks"), 404, "UnknownOperationException");
  }

  @Test
  void wrongMethodIsMethodNotAllowedInEnvelope() throws Exception {
    assertEnvelope(
        admin.signed("PUT", "/clusters/local/pod-identity-associations", "{}", "eks"),
        405,
        "MethodNotAllowedException");
  }

  @Test
  void malformedJsonIsInvalidRequest() throws Exception {
    assertEnvelope(
        admin.signed("POST", "/clusters/local/pod-identity-associations", "{\"namespace\":", "eks"),
        400,
        "InvalidRequestException");
  }

  @Test
  void nonObjectJsonIsInvalidRequest() throws Exception {
    assertEnvelope(
        admin.signed("POST", "/clusters/local/pod-identity-associations", "[1,2]", "eks"),
        400,
        "InvalidRequestException");
  }

  @Test
  void missingRequiredMemberIsInvalidParameterNamingIt() throws Exception {
    JsonNode n =
        assertEnvelope(
            admin.signed(
                "POST",
                "/clusters/local/pod-identity-associations",
                "{\"namespace\":\"default\",\"roleArn\":\"arn:aws:iam::111122223333:role/r\"}",
                "eks"),
            400,
            "InvalidParameterException");
    assertThat(n.path("message").asText()).contains("serviceAccount");
  }

  @Test
  void wrongTypeIsInvalidParameter() throws Exception {
    assertEnvelope(
        admin.signed(
            "POST",
            "/clusters/local/pod-identity-associations",
            "{\"namespace\":1,\"serviceAccount\":\"s\",\"roleArn\":\"arn:aws:iam::111122223333:role/r\"}",
            "eks"),
        400,
        "InvalidParameterException");
  }

  @Test
  void oversizedBodyIsRejectedInEnvelope() throws Exception {
    String big = "{\"namespace\":\"" + "a".repeat(FrontDoor.MAX_BODY) + "\"}";
    assertEnvelope(
        admin.signed("POST", "/clusters/local/pod-identity-associations", big, "eks"),
        413,
        "RequestEntityTooLargeException");
  }

  @Test
  void deeplyNestedJsonIsInvalidRequestNotA500() throws Exception {
    String deep = "{\"tags\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    assertEnvelope(
        admin.signed("POST", "/clusters/local/pod-identity-associations", deep, "eks"),
        400,
        "InvalidRequestException");
  }

  @Test
  void agentKeyMayNotManageAssociations() throws Exception {
    RawClient agent = ts.agentClient();
    assertEnvelope(
        agent.signed("GET", "/clusters/local/pod-identity-associations", null, "eks"),
        403,
        "AccessDeniedException");
  }

  @Test
  void healthIsOpen() {
    assertThat(admin.unsigned("GET", "/healthz", null).statusCode()).isEqualTo(200);
  }

  @Test
  void metricsCountRequests() {
    admin.signed("GET", "/clusters", null, "eks");
    HttpResponse<String> r = admin.unsigned("GET", "/metrics", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("podidentity_api_requests_total{");
  }
}
