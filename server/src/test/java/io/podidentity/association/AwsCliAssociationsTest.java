package io.podidentity.association;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.podidentity.cluster.Cluster;
import io.podidentity.testing.AwsCli;
import io.podidentity.testing.TestServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * The association API driven by the real AWS CLI ({@code aws eks …}) with the data dir's profile,
 * as issue 2 asks: the seeds' create, listing 250 associations page by page, describe, update,
 * delete, and the errors with the CLI's exit code for a service error (254 in CLI v2, 255 in v1)
 * and the server's message. Bulk set-up goes through the SDK; each CLI run costs about a second.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AwsCliAssociationsTest {
  static final String ROLE = "arn:aws:iam::111122223333:role/my-role";
  static final int MANY = 250;

  TestServer ts;
  EksClient eks;
  AwsCli aws;
  Set<String> manyIds = new HashSet<>();
  int serviceError;

  @BeforeAll
  void start() {
    serviceError = AwsCli.serviceErrorExitCode();
    ts = new TestServer();
    eks = ts.eks();
    aws = new AwsCli(ts.dataDir());
    ts.server()
        .clusters()
        .add(
            new Cluster(
                "big",
                TestServer.ACCOUNT,
                TestServer.REGION,
                "https://podidentity.test/clusters/big",
                Optional.of("{\"keys\":[]}"),
                Optional.empty(),
                Instant.now()));
    for (int i = 0; i < MANY; i++) {
      int n = i;
      manyIds.add(
          eks.createPodIdentityAssociation(
                  b ->
                      b.clusterName("big")
                          .namespace("ns" + (n % 7))
                          .serviceAccount("sa-" + n)
                          .roleArn(ROLE))
              .association()
              .associationId());
    }
    assertThat(manyIds).hasSize(MANY);
  }

  @AfterAll
  void stop() {
    eks.close();
    ts.close();
  }

  @Test
  void seedsCreateCommandThenListShowsTheAssociation() {
    AwsCli.Result created =
        aws.run(
            "eks",
            "create-pod-identity-association",
            "--cluster-name",
            "local",
            "--namespace",
            "default",
            "--service-account",
            "my-service-account",
            "--role-arn",
            ROLE);
    assertThat(created.exitCode()).as(created.stderr()).isZero();
    JsonNode a = created.json().path("association");
    String id = a.path("associationId").asText();
    assertThat(id).matches("a-[a-z0-9]{17}");
    assertThat(a.path("associationArn").asText())
        .isEqualTo("arn:aws:eks:us-east-1:111122223333:podidentityassociation/local/" + id);
    assertThat(a.path("namespace").asText()).isEqualTo("default");
    assertThat(a.path("serviceAccount").asText()).isEqualTo("my-service-account");
    assertThat(a.path("roleArn").asText()).isEqualTo(ROLE);
    assertThat(a.path("tags").isObject()).isTrue();

    AwsCli.Result listed =
        aws.run("eks", "list-pod-identity-associations", "--cluster-name", "local");
    assertThat(listed.exitCode()).as(listed.stderr()).isZero();
    assertThat(listed.json().path("associations").findValuesAsText("associationId")).contains(id);
  }

  @Test
  void secondCreateForTheSameServiceAccountExits254WithResourceInUse() {
    String first =
        eks.createPodIdentityAssociation(
                b -> b.clusterName("local").namespace("dup").serviceAccount("sa").roleArn(ROLE))
            .association()
            .associationId();
    AwsCli.Result r =
        aws.run(
            "eks",
            "create-pod-identity-association",
            "--cluster-name",
            "local",
            "--namespace",
            "dup",
            "--service-account",
            "sa",
            "--role-arn",
            ROLE);
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(serviceError);
    assertThat(r.stderr())
        .contains("(ResourceInUseException)")
        .contains("CreatePodIdentityAssociation")
        .contains("Association already exists: " + first);
  }

  @Test
  void autoPaginationWithPageSize40ListsAll250ExactlyOnce() {
    AwsCli.Result r =
        aws.run(
            "eks", "list-pod-identity-associations", "--cluster-name", "big", "--page-size", "40");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    List<String> ids = r.json().path("associations").findValuesAsText("associationId");
    assertThat(ids).hasSize(MANY).doesNotHaveDuplicates();
    assertThat(new HashSet<>(ids)).isEqualTo(manyIds);
    assertThat(r.json().has("nextToken")).isFalse();
  }

  @Test
  void maxItemsAndStartingTokenWalkAll250ExactlyOnce() {
    // 100 items per run out of pages of 40: the CLI cuts pages in the middle and resumes there.
    List<String> ids = new ArrayList<>();
    String token = null;
    int runs = 0;
    do {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "eks",
                  "list-pod-identity-associations",
                  "--cluster-name",
                  "big",
                  "--page-size",
                  "40",
                  "--max-items",
                  "100"));
      if (token != null) {
        args.addAll(List.of("--starting-token", token));
      }
      AwsCli.Result r = aws.run(args.toArray(String[]::new));
      assertThat(r.exitCode()).as(r.stderr()).isZero();
      List<String> page = r.json().path("associations").findValuesAsText("associationId");
      assertThat(page).hasSizeLessThanOrEqualTo(100);
      ids.addAll(page);
      token = r.json().hasNonNull("NextToken") ? r.json().get("NextToken").asText() : null;
      runs++;
    } while (token != null && runs < 10);
    assertThat(runs).isEqualTo(3);
    assertThat(ids).hasSize(MANY).doesNotHaveDuplicates();
    assertThat(new HashSet<>(ids)).isEqualTo(manyIds);
  }

  @Test
  void describeUpdateDeleteThenDescribeIsNotFound() {
    String id =
        eks.createPodIdentityAssociation(
                b -> b.clusterName("local").namespace("crud").serviceAccount("sa").roleArn(ROLE))
            .association()
            .associationId();

    AwsCli.Result described =
        aws.run(
            "eks",
            "describe-pod-identity-association",
            "--cluster-name",
            "local",
            "--association-id",
            id);
    assertThat(described.exitCode()).as(described.stderr()).isZero();
    assertThat(described.json().path("association").path("roleArn").asText()).isEqualTo(ROLE);

    String newRole = "arn:aws:iam::111122223333:role/other-role";
    AwsCli.Result updated =
        aws.run(
            "eks",
            "update-pod-identity-association",
            "--cluster-name",
            "local",
            "--association-id",
            id,
            "--role-arn",
            newRole);
    assertThat(updated.exitCode()).as(updated.stderr()).isZero();
    assertThat(updated.json().path("association").path("roleArn").asText()).isEqualTo(newRole);
    assertThat(
            eks.describePodIdentityAssociation(b -> b.clusterName("local").associationId(id))
                .association()
                .roleArn())
        .isEqualTo(newRole);

    AwsCli.Result deleted =
        aws.run(
            "eks",
            "delete-pod-identity-association",
            "--cluster-name",
            "local",
            "--association-id",
            id);
    assertThat(deleted.exitCode()).as(deleted.stderr()).isZero();
    assertThat(deleted.json().path("association").path("associationId").asText()).isEqualTo(id);

    AwsCli.Result gone =
        aws.run(
            "eks",
            "describe-pod-identity-association",
            "--cluster-name",
            "local",
            "--association-id",
            id);
    assertThat(gone.exitCode()).as(gone.stderr()).isEqualTo(serviceError);
    assertThat(gone.stderr()).contains("(ResourceNotFoundException)").contains(id);
  }

  @Test
  void unknownClusterExits254WithEksMessage() {
    AwsCli.Result r = aws.run("eks", "list-pod-identity-associations", "--cluster-name", "nosuch");
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(serviceError);
    assertThat(r.stderr())
        .contains("(ResourceNotFoundException)")
        .contains("No cluster found for name: nosuch.");
  }

  @Test
  void associationIdOfTheWrongLengthExits254WithInvalidParameter() {
    AwsCli.Result r =
        aws.run(
            "eks",
            "describe-pod-identity-association",
            "--cluster-name",
            "local",
            "--association-id",
            "a-123");
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(serviceError);
    assertThat(r.stderr()).contains("(InvalidParameterException)");
  }
}
