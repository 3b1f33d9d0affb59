package io.podidentity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.podidentity.cluster.Cluster;
import io.podidentity.testing.TestServer;
import io.podidentity.token.LocalSigningKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * {@code podidentity cluster add|list|remove} end to end: the launcher's command line run
 * in-process against a real server, finding it (endpoint, admin credentials) through the data dir
 * as a user's shell would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterCommandTest {
  static final String ROLE = "arn:aws:iam::111122223333:role/my-role";

  TestServer ts;
  @TempDir Path tmp;

  record Run(int exitCode, String out, String err) {}

  @BeforeAll
  void start() {
    ts = new TestServer();
  }

  @AfterAll
  void stop() {
    ts.close();
  }

  /** Runs {@code podidentity ARGS --data-dir <the test server's>}, capturing stdout and stderr. */
  private Run podidentity(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--data-dir", ts.dataDir().toString()));
    CommandLine cl = Main.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err, true));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int code;
    synchronized (ClusterCommandTest.class) {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      try {
        code = cl.execute(all.toArray(String[]::new));
      } finally {
        System.setOut(original);
      }
    }
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
  }

  private Path jwksFile() throws IOException {
    Path f = tmp.resolve("jwks-" + System.nanoTime() + ".json");
    Files.writeString(f, LocalSigningKey.generate().publicJwksJson());
    return f;
  }

  @Test
  void addWithJwksFileRegistersTheClusterWithThoseKeys() throws IOException {
    Path jwks = jwksFile();
    Run r =
        podidentity(
            "cluster",
            "add",
            "prod",
            "--issuer",
            "https://oidc.example.test/id/PROD",
            "--jwks-file",
            jwks.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("prod\tarn:aws:eks:us-east-1:111122223333:cluster/prod\n");
    Cluster c = ts.server().clusters().find("prod").orElseThrow();
    assertThat(c.issuer()).isEqualTo("https://oidc.example.test/id/PROD");
    assertThat(c.jwks()).isPresent();
    assertThat(c.jwks().get()).contains("\"keys\"");
    assertThat(c.jwksUri()).isEmpty();
  }

  @Test
  void addWithJwksUriRegistersTheUrl() {
    Run r =
        podidentity(
            "cluster",
            "add",
            "edge",
            "--issuer",
            "https://oidc.example.test/id/EDGE",
            "--jwks-uri",
            "https://oidc.example.test/id/EDGE/keys",
            "--account",
            "444455556666");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("edge\tarn:aws:eks:us-east-1:444455556666:cluster/edge\n");
    Cluster c = ts.server().clusters().find("edge").orElseThrow();
    assertThat(c.jwksUri()).contains("https://oidc.example.test/id/EDGE/keys");
    assertThat(c.jwks()).isEmpty();
  }

  @Test
  void listShowsEveryClusterWithArnAndIssuer() throws IOException {
    assertThat(
            podidentity(
                    "cluster",
                    "add",
                    "listed",
                    "--issuer",
                    "https://oidc.example.test/id/LISTED",
                    "--jwks-file",
                    jwksFile().toString())
                .exitCode())
        .isZero();
    Run r = podidentity("cluster", "list");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().lines().toList())
        .contains(
            "local\tarn:aws:eks:us-east-1:111122223333:cluster/local\t"
                + "https://podidentity.local/clusters/local",
            "listed\tarn:aws:eks:us-east-1:111122223333:cluster/listed\t"
                + "https://oidc.example.test/id/LISTED");
  }

  @Test
  void removeTakesTheClusterAway() throws IOException {
    podidentity(
        "cluster",
        "add",
        "gone",
        "--issuer",
        "https://oidc.example.test/id/GONE",
        "--jwks-file",
        jwksFile().toString());
    Run r = podidentity("cluster", "remove", "gone");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("removed gone\n");
    assertThat(ts.server().clusters().find("gone")).isEmpty();
    assertThat(podidentity("cluster", "list").out()).doesNotContain("gone");
  }

  @Test
  void removeOfAClusterWithAssociationsFailsWithResourceInUse() throws IOException {
    podidentity(
        "cluster",
        "add",
        "busy",
        "--issuer",
        "https://oidc.example.test/id/BUSY",
        "--jwks-file",
        jwksFile().toString());
    try (EksClient eks = ts.eks()) {
      eks.createPodIdentityAssociation(
          b -> b.clusterName("busy").namespace("default").serviceAccount("app").roleArn(ROLE));
    }
    Run r = podidentity("cluster", "remove", "busy");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "podidentity: ResourceInUseException: Cluster has 1 pod identity associations;"
                + " delete them first.\n");
    assertThat(ts.server().clusters().find("busy")).isPresent();
  }

  @Test
  void addOfATakenNameFailsWithResourceInUse() throws IOException {
    Run r =
        podidentity(
            "cluster",
            "add",
            "local",
            "--issuer",
            "https://oidc.example.test/id/LOCAL",
            "--jwks-file",
            jwksFile().toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("ResourceInUseException: Cluster already exists with name: local");
  }

  @Test
  void removeOfAnUnknownClusterFailsWithEksMessage() {
    Run r = podidentity("cluster", "remove", "nosuch");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo("podidentity: ResourceNotFoundException: No cluster found for name: nosuch.\n");
  }
}
