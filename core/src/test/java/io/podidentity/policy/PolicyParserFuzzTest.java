package io.podidentity.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.podidentity.api.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * No text makes the policy parser throw anything but a {@code MalformedPolicyDocument}, and no
 * document it accepts makes evaluation throw. In a normal build this runs as a regression test over
 * the seed corpus in {@code PolicyParserFuzzTestInputs/}; set {@code JAZZER_FUZZ=1} to fuzz.
 */
class PolicyParserFuzzTest {
  private static final RequestContext CONTEXT =
      RequestContext.builder()
          .principal(PrincipalType.ASSUMED_ROLE, "arn:aws:sts::111122223333:assumed-role/r/s")
          .roleArn("arn:aws:iam::111122223333:role/r")
          .action("s3:GetObject")
          .resource("arn:aws:s3:::bucket/key")
          .key("aws:SourceIp", "10.1.2.3")
          .key("aws:TagKeys", "a", "b")
          .key("aws:CurrentTime", "2026-11-23T12:00:00Z")
          .principalTag("kubernetes-namespace", "ns")
          .requestTime(Instant.parse("2026-11-23T12:00:00Z"))
          .build();

  @FuzzTest(maxDuration = "30s")
  void parserRaisesOnlyMalformedPolicyDocument(byte[] input) {
    check(new String(input, StandardCharsets.UTF_8));
    check(new String(input, StandardCharsets.UTF_16LE));
  }

  private static void check(String text) {
    for (PolicyKind kind : PolicyKind.values()) {
      PolicyDocument doc;
      try {
        doc = PolicyDocument.parse(text, kind);
      } catch (ApiException e) {
        assertThat(e.code()).isEqualTo("MalformedPolicyDocument");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).isNotBlank();
        continue;
      }
      EvaluationResult r =
          kind == PolicyKind.IDENTITY
              ? PolicyEvaluator.evaluate(
                  List.of(new NamedPolicy("p", doc)), List.of(new NamedPolicy("s", doc)), CONTEXT)
              : PolicyEvaluator.evaluateTrust(doc, CONTEXT);
      assertThat(r.decision()).isNotNull();
    }
  }
}
