package io.podidentity.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podidentity.api.ApiException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table-driven policy suite: every {@code policy/cases/*.json} resource holds cases built from
 * one AWS documentation page (named in the file's {@code source} and {@code url}).
 *
 * <p>An evaluation case has {@code identity} (a list of policies; {@code policy} is shorthand for
 * one), optional {@code session}, or {@code trust}; a {@code context} (merged over the file's
 * {@code context}); the {@code expect}ed decision; and optionally the Sids of the {@code matched}
 * statements. A validation case has {@code kind}, a {@code document} (JSON, or a string taken as
 * the raw text) and the expected {@code error} reason (null: must parse).
 */
class PolicyCasesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CASES = "policy/cases";

  static Stream<Arguments> cases() throws IOException, URISyntaxException {
    URL dir = PolicyCasesTest.class.getClassLoader().getResource(CASES);
    List<Path> files;
    try (Stream<Path> s = Files.list(Path.of(dir.toURI()))) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    List<Arguments> out = new ArrayList<>();
    for (Path f : files) {
      JsonNode file = JSON.readTree(f.toFile());
      JsonNode base = file.path("context");
      for (JsonNode c : file.required("cases")) {
        out.add(
            Arguments.of(
                f.getFileName() + ": " + c.required("name").asText(), (Object) c, (Object) base));
      }
    }
    return out.stream();
  }

  @Test
  void theSuiteHasAtLeast150Cases() throws Exception {
    assertThat(cases().count()).isGreaterThanOrEqualTo(150);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void policyCase(String name, JsonNode c, JsonNode base) throws Exception {
    if (c.has("error") || c.has("kind")) {
      validationCase(c);
    } else {
      evaluationCase(c, base);
    }
  }

  private static void validationCase(JsonNode c) throws IOException {
    PolicyKind kind = PolicyKind.valueOf(c.path("kind").asText("IDENTITY"));
    String text = text(c.get("document"));
    JsonNode error = c.path("error");
    if (error.isMissingNode() || error.isNull()) {
      assertThat(PolicyDocument.parse(text, kind).source()).isEqualTo(text);
      return;
    }
    Throwable t = catchThrowable(() -> PolicyDocument.parse(text, kind));
    assertThat(t).isInstanceOf(ApiException.class);
    ApiException e = (ApiException) t;
    assertThat(e.code()).isEqualTo("MalformedPolicyDocument");
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).isEqualTo(error.asText());
  }

  private static void evaluationCase(JsonNode c, JsonNode base) throws IOException {
    RequestContext ctx = context(merge(base, c.path("context")));
    EvaluationResult r;
    if (c.path("assumeRole").asBoolean(false)) {
      List<NamedPolicy> caller = new ArrayList<>();
      int i = 0;
      for (JsonNode p : c.path("identity")) {
        caller.add(named("Policy" + i++, p));
      }
      r =
          PolicyEvaluator.evaluateAssumeRole(
              PolicyDocument.parse(text(c.get("trust")), PolicyKind.TRUST), caller, ctx);
    } else if (c.has("trust")) {
      r =
          PolicyEvaluator.evaluateTrust(
              PolicyDocument.parse(text(c.get("trust")), PolicyKind.TRUST), ctx);
    } else {
      List<NamedPolicy> identity = new ArrayList<>();
      if (c.has("policy")) {
        identity.add(named("Policy", c.get("policy")));
      }
      int i = 0;
      for (JsonNode p : c.path("identity")) {
        identity.add(named("Policy" + i++, p));
      }
      List<NamedPolicy> session = new ArrayList<>();
      i = 0;
      for (JsonNode p : c.path("session")) {
        session.add(named("Session" + i++, p));
      }
      r = PolicyEvaluator.evaluate(identity, session, ctx);
    }
    assertThat(r.decision()).isEqualTo(Decision.valueOf(c.required("expect").asText()));
    if (c.has("matched")) {
      List<String> expected = new ArrayList<>();
      c.get("matched").forEach(n -> expected.add(n.asText()));
      assertThat(r.matchedStatements().stream().map(MatchedStatement::sid).toList())
          .containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  private static NamedPolicy named(String name, JsonNode p) throws IOException {
    return new NamedPolicy(name, PolicyDocument.parse(text(p), PolicyKind.IDENTITY));
  }

  private static String text(JsonNode doc) throws IOException {
    return doc.isTextual()
        ? doc.asText()
        : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
  }

  private static JsonNode merge(JsonNode base, JsonNode over) {
    ObjectNode out = JSON.createObjectNode();
    if (base.isObject()) {
      out.setAll((ObjectNode) base.deepCopy());
    }
    if (over.isObject()) {
      for (Map.Entry<String, JsonNode> e : over.properties()) {
        if ((e.getKey().equals("keys") || e.getKey().equals("tags"))
            && out.get(e.getKey()) instanceof ObjectNode o
            && e.getValue().isObject()) {
          o.setAll((ObjectNode) e.getValue().deepCopy());
        } else {
          out.set(e.getKey(), e.getValue().deepCopy());
        }
      }
    }
    return out;
  }

  /**
   * {@code principalType} (default ASSUMED_ROLE), {@code principalArn}, {@code roleArn}, {@code
   * action}, {@code resource}, {@code keys} (string or list; null = absent), {@code tags}, {@code
   * time}.
   */
  private static RequestContext context(JsonNode j) {
    RequestContext.Builder b =
        RequestContext.builder()
            .principal(
                PrincipalType.valueOf(j.path("principalType").asText("ASSUMED_ROLE")),
                j.path("principalArn")
                    .asText("arn:aws:sts::111122223333:assumed-role/my-role/eks-pod"))
            .action(j.required("action").asText())
            .resource(j.path("resource").asText("*"))
            .requestTime(Instant.parse(j.path("time").asText("2026-11-23T12:00:00Z")));
    if (j.has("roleArn")) {
      b.roleArn(j.get("roleArn").isNull() ? null : j.get("roleArn").asText());
    } else if (j.path("principalType").asText("ASSUMED_ROLE").equals("ASSUMED_ROLE")) {
      b.roleArn("arn:aws:iam::111122223333:role/my-role");
    }
    for (Map.Entry<String, JsonNode> e : j.path("keys").properties()) {
      if (e.getValue().isNull()) {
        continue;
      }
      List<String> vals = new ArrayList<>();
      if (e.getValue().isArray()) {
        e.getValue().forEach(v -> vals.add(v.asText()));
      } else {
        vals.add(e.getValue().asText());
      }
      b.key(e.getKey(), vals);
    }
    for (Map.Entry<String, JsonNode> e : j.path("tags").properties()) {
      b.principalTag(e.getKey(), e.getValue().asText());
    }
    return b.build();
  }

  @Test
  void nullTextIsAMalformedDocument() {
    assertThatThrownBy(() -> PolicyDocument.parse(null, PolicyKind.IDENTITY))
        .isInstanceOf(ApiException.class)
        .hasMessage("Syntax errors in policy.");
  }
}
