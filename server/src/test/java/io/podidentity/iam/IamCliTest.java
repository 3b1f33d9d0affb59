package io.podidentity.iam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podidentity.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The AWS CLI against the server with the admin profile the server writes to its data dir —
 * including issue 3's "Done when": create-role, put-role-policy with the seeds' policy, and
 * simulate-principal-policy answering allowed, then implicitDeny once s3:ListBucket is removed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IamCliTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The seeds' trust policy, formatted as a user would write it. */
  static final String TRUST =
      """
      {
          "Version": "2012-10-17",
          "Statement": [
              {
                  "Effect": "Allow",
                  "Principal": {
                      "Service": "pods.eks.amazonaws.com"
                  },
                  "Action": [
                      "sts:AssumeRole",
                      "sts:TagSession"
                  ]
              }
          ]
      }
      """;

  /** The seeds' permission policy. */
  static final String POLICY =
      """
      {
          "Version": "2012-10-17",
          "Statement": [
              {
                  "Effect": "Allow",
                  "Action": [
                      "s3:GetObject",
                      "s3:ListBucket"
                  ],
                  "Resource": "arn:aws:s3:::artifacts"
              }
          ]
      }
      """;

  TestServer ts;
  Path work;

  @BeforeAll
  void start() throws IOException {
    ts = new TestServer();
    work = Files.createTempDirectory("iam-cli");
  }

  @AfterAll
  void stop() {
    ts.close();
  }

  record Run(int exit, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + out + " / " + err, e);
      }
    }
  }

  Run aws(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("aws"));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--output", "json"));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
    pb.environment()
        .put("AWS_SHARED_CREDENTIALS_FILE", ts.dataDir().resolve("credentials").toString());
    pb.environment().put("AWS_CONFIG_FILE", ts.dataDir().resolve("config").toString());
    pb.environment().put("AWS_PROFILE", "podidentity");
    // An empty value removes the variable (e.g. AWS_PROFILE, to use only the env credentials).
    env.forEach(
        (k, v) -> {
          if (v.isEmpty()) {
            pb.environment().remove(k);
          } else {
            pb.environment().put(k, v);
          }
        });
    Path out = Files.createTempFile(work, "out", ".txt");
    Path err = Files.createTempFile(work, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("aws " + String.join(" ", args) + " timed out");
    }
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  Run aws(String... args) throws Exception {
    return aws(Map.of(), args);
  }

  @Test
  void doneWhenSimulateAnswersAllowedThenImplicitDenyWithoutListBucket() throws Exception {
    Files.writeString(work.resolve("trust.json"), TRUST);
    Files.writeString(work.resolve("policy.json"), POLICY);
    Files.writeString(
        work.resolve("policy-no-list.json"), POLICY.replaceAll(",\\s*\"s3:ListBucket\"", ""));
    assertThat(Files.readString(work.resolve("policy-no-list.json"))).doesNotContain("ListBucket");

    Run created =
        aws(
            "iam",
            "create-role",
            "--role-name",
            "my-role",
            "--assume-role-policy-document",
            "file://trust.json");
    assertThat(created.exit()).as(created.err()).isZero();
    String arn = created.json().at("/Role/Arn").asText();
    assertThat(arn).isEqualTo("arn:aws:iam::111122223333:role/my-role");
    // botocore URL-decodes and parses policy documents: the CLI prints the trust policy as JSON.
    assertThat(
            created
                .json()
                .at("/Role/AssumeRolePolicyDocument/Statement/0/Principal/Service")
                .asText())
        .isEqualTo("pods.eks.amazonaws.com");

    Run put =
        aws(
            "iam",
            "put-role-policy",
            "--role-name",
            "my-role",
            "--policy-name",
            "artifacts",
            "--policy-document",
            "file://policy.json");
    assertThat(put.exit()).as(put.err()).isZero();

    Run allowed = simulate(arn);
    assertThat(allowed.exit()).as(allowed.err()).isZero();
    JsonNode r = allowed.json().at("/EvaluationResults/0");
    assertThat(r.at("/EvalActionName").asText()).isEqualTo("s3:ListBucket");
    assertThat(r.at("/EvalResourceName").asText()).isEqualTo("arn:aws:s3:::artifacts");
    assertThat(r.at("/EvalDecision").asText()).isEqualTo("allowed");
    assertThat(r.at("/MatchedStatements/0/SourcePolicyId").asText()).isEqualTo("artifacts");

    Run removed =
        aws(
            "iam",
            "put-role-policy",
            "--role-name",
            "my-role",
            "--policy-name",
            "artifacts",
            "--policy-document",
            "file://policy-no-list.json");
    assertThat(removed.exit()).as(removed.err()).isZero();
    Run denied = simulate(arn);
    assertThat(denied.json().at("/EvaluationResults/0/EvalDecision").asText())
        .isEqualTo("implicitDeny");
  }

  Run simulate(String arn) throws Exception {
    return aws(
        "iam",
        "simulate-principal-policy",
        "--policy-source-arn",
        arn,
        "--action-names",
        "s3:ListBucket",
        "--resource-arns",
        "arn:aws:s3:::artifacts");
  }

  @Test
  void getRolePolicyPrintsTheDocumentDecoded() throws Exception {
    Files.writeString(work.resolve("trust2.json"), TRUST);
    Files.writeString(work.resolve("policy2.json"), POLICY);
    aws(
        "iam",
        "create-role",
        "--role-name",
        "cli-get",
        "--assume-role-policy-document",
        "file://trust2.json");
    aws(
        "iam",
        "put-role-policy",
        "--role-name",
        "cli-get",
        "--policy-name",
        "p",
        "--policy-document",
        "file://policy2.json");
    Run got = aws("iam", "get-role-policy", "--role-name", "cli-get", "--policy-name", "p");
    assertThat(got.exit()).as(got.err()).isZero();
    assertThat(got.json().at("/PolicyDocument")).isEqualTo(JSON.readTree(POLICY));
    Run list = aws("iam", "list-role-policies", "--role-name", "cli-get");
    assertThat(list.json().at("/PolicyNames/0").asText()).isEqualTo("p");
  }

  @Test
  void aMissingRoleIsNoSuchEntityOnTheCli() throws Exception {
    Run r = aws("iam", "get-role", "--role-name", "does-not-exist");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err())
        .contains("(NoSuchEntity)")
        .contains("The role with name does-not-exist cannot be found.");
  }

  @Test
  void assumeRoleCredentialsWorkForGetCallerIdentityOnTheCli() throws Exception {
    String trust =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
            + "\"arn:aws:iam::111122223333:root\"},\"Action\":\"sts:AssumeRole\"}]}";
    Files.writeString(work.resolve("trust3.json"), trust);
    Run c =
        aws(
            "iam",
            "create-role",
            "--role-name",
            "cli-sts",
            "--assume-role-policy-document",
            "file://trust3.json");
    assertThat(c.exit()).as(c.err()).isZero();
    Run me = aws("sts", "get-caller-identity");
    assertThat(me.json().at("/Arn").asText()).endsWith(":user/podidentity-admin");
    Run assumed =
        aws(
            "sts",
            "assume-role",
            "--role-arn",
            "arn:aws:iam::111122223333:role/cli-sts",
            "--role-session-name",
            "cli-session");
    assertThat(assumed.exit()).as(assumed.err()).isZero();
    JsonNode creds = assumed.json().at("/Credentials");
    Run asSession =
        aws(
            Map.of(
                "AWS_ACCESS_KEY_ID",
                creds.at("/AccessKeyId").asText(),
                "AWS_SECRET_ACCESS_KEY",
                creds.at("/SecretAccessKey").asText(),
                "AWS_SESSION_TOKEN",
                creds.at("/SessionToken").asText(),
                "AWS_PROFILE",
                "",
                "AWS_SHARED_CREDENTIALS_FILE",
                "/dev/null",
                "AWS_DEFAULT_REGION",
                "us-east-1"),
            "sts",
            "get-caller-identity",
            "--endpoint-url",
            ts.endpoint().toString());
    assertThat(asSession.exit()).as(asSession.err()).isZero();
    assertThat(asSession.json().at("/Arn").asText())
        .isEqualTo("arn:aws:sts::111122223333:assumed-role/cli-sts/cli-session");
  }
}
