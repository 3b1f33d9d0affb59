package io.podidentity.association;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podidentity.testing.TestServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.CreatePodIdentityAssociationResponse;
import software.amazon.awssdk.services.eks.model.EksException;
import software.amazon.awssdk.services.eks.model.InvalidParameterException;
import software.amazon.awssdk.services.eks.model.InvalidRequestException;
import software.amazon.awssdk.services.eks.model.PodIdentityAssociation;
import software.amazon.awssdk.services.eks.model.PodIdentityAssociationSummary;
import software.amazon.awssdk.services.eks.model.ResourceInUseException;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;

/** The association API driven by the AWS SDK for Java v2's EksClient against a real server. */
class AssociationApiTest {
  static final String ROLE = "arn:aws:iam::111122223333:role/my-role";
  TestServer ts;
  EksClient eks;

  @BeforeEach
  void start() {
    ts = new TestServer();
    eks = ts.eks();
  }

  @AfterEach
  void stop() {
    eks.close();
    ts.close();
  }

  PodIdentityAssociation create(String ns, String sa) {
    return eks.createPodIdentityAssociation(
            b -> b.clusterName("local").namespace(ns).serviceAccount(sa).roleArn(ROLE))
        .association();
  }

  @Test
  void createReturnsTheAssociationInEksShape() {
    PodIdentityAssociation a = create("default", "my-service-account");
    assertThat(a.associationId()).matches("a-[a-z0-9]{17}");
    assertThat(a.associationArn())
        .isEqualTo(
            "arn:aws:eks:us-east-1:111122223333:podidentityassociation/local/" + a.associationId());
    assertThat(a.clusterName()).isEqualTo("local");
    assertThat(a.namespace()).isEqualTo("default");
    assertThat(a.serviceAccount()).isEqualTo("my-service-account");
    assertThat(a.roleArn()).isEqualTo(ROLE);
    assertThat(a.tags()).isEmpty();
    assertThat(a.createdAt()).isEqualTo(a.modifiedAt()).isNotNull();
  }

  @Test
  void describeReturnsWhatCreateStored() {
    PodIdentityAssociation a = create("default", "sa");
    PodIdentityAssociation d =
        eks.describePodIdentityAssociation(
                b -> b.clusterName("local").associationId(a.associationId()))
            .association();
    assertThat(d).isEqualTo(a);
  }

  @Test
  void secondCreateForTheSameServiceAccountIsResourceInUse() {
    PodIdentityAssociation a = create("default", "sa");
    assertThatThrownBy(() -> create("default", "sa"))
        .isInstanceOf(ResourceInUseException.class)
        .hasMessageContaining("Association already exists: " + a.associationId())
        .satisfies(e -> assertThat(((EksException) e).statusCode()).isEqualTo(409));
  }

  @Test
  void unknownClusterIsNotFoundWithEksMessage() {
    assertThatThrownBy(
            () ->
                eks.createPodIdentityAssociation(
                    b ->
                        b.clusterName("nope")
                            .namespace("default")
                            .serviceAccount("sa")
                            .roleArn(ROLE)))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageContaining("No cluster found for name: nope.");
  }

  @Test
  void invalidNamespaceIsInvalidParameter() {
    assertThatThrownBy(() -> create("Not_A_Label", "sa"))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("Invalid namespace");
  }

  @Test
  void invalidServiceAccountIsInvalidParameter() {
    assertThatThrownBy(() -> create("default", "-bad-"))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("Invalid service account");
  }

  @Test
  void roleInAnotherAccountIsInvalidParameter() {
    assertThatThrownBy(
            () ->
                eks.createPodIdentityAssociation(
                    b ->
                        b.clusterName("local")
                            .namespace("default")
                            .serviceAccount("sa")
                            .roleArn("arn:aws:iam::999999999999:role/x")))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("cluster's account 111122223333");
  }

  @Test
  void malformedRoleArnIsInvalidParameter() {
    assertThatThrownBy(
            () ->
                eks.createPodIdentityAssociation(
                    b ->
                        b.clusterName("local")
                            .namespace("default")
                            .serviceAccount("sa")
                            .roleArn("my-role")))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("Invalid roleArn");
  }

  @Test
  void reservedTagPrefixIsInvalidParameter() {
    assertThatThrownBy(
            () ->
                eks.createPodIdentityAssociation(
                    b ->
                        b.clusterName("local")
                            .namespace("default")
                            .serviceAccount("sa")
                            .roleArn(ROLE)
                            .tags(Map.of("aws:x", "y"))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("aws:");
  }

  @Test
  void tagsAreStoredAndReturned() {
    PodIdentityAssociation a =
        eks.createPodIdentityAssociation(
                b ->
                    b.clusterName("local")
                        .namespace("default")
                        .serviceAccount("sa")
                        .roleArn(ROLE)
                        .tags(Map.of("team", "blue")))
            .association();
    assertThat(a.tags()).containsExactly(Map.entry("team", "blue"));
  }

  @Test
  void wrongLengthIdIsInvalidParameterWithEksMessage() {
    assertThatThrownBy(
            () ->
                eks.describePodIdentityAssociation(
                    b -> b.clusterName("local").associationId("a-123")))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("The parameter associationId should be 19 characters long.");
  }

  @Test
  void unknownIdIsNotFound() {
    assertThatThrownBy(
            () ->
                eks.describePodIdentityAssociation(
                    b -> b.clusterName("local").associationId("a-aaaaaaaaaaaaaaaaa")))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void updateChangesRoleAndModifiedAt() throws Exception {
    PodIdentityAssociation a = create("default", "sa");
    Thread.sleep(5);
    PodIdentityAssociation u =
        eks.updatePodIdentityAssociation(
                b ->
                    b.clusterName("local")
                        .associationId(a.associationId())
                        .roleArn("arn:aws:iam::111122223333:role/other"))
            .association();
    assertThat(u.roleArn()).isEqualTo("arn:aws:iam::111122223333:role/other");
    assertThat(u.modifiedAt()).isAfter(a.modifiedAt());
    assertThat(u.createdAt()).isEqualTo(a.createdAt());
  }

  @Test
  void targetRoleSetsTheExternalId() {
    PodIdentityAssociation a = create("default", "sa");
    PodIdentityAssociation u =
        eks.updatePodIdentityAssociation(
                b ->
                    b.clusterName("local")
                        .associationId(a.associationId())
                        .targetRoleArn("arn:aws:iam::444455556666:role/target"))
            .association();
    assertThat(u.targetRoleArn()).isEqualTo("arn:aws:iam::444455556666:role/target");
    assertThat(u.externalId()).isEqualTo("us-east-1/111122223333/local/default/sa");
  }

  @Test
  void updateWithNothingToChangeIsInvalidParameter() {
    PodIdentityAssociation a = create("default", "sa");
    assertThatThrownBy(
            () ->
                eks.updatePodIdentityAssociation(
                    b -> b.clusterName("local").associationId(a.associationId())))
        .isInstanceOf(InvalidParameterException.class);
  }

  @Test
  void deleteReturnsTheDeletedAssociationAndForgetsIt() {
    PodIdentityAssociation a = create("default", "sa");
    PodIdentityAssociation d =
        eks.deletePodIdentityAssociation(
                b -> b.clusterName("local").associationId(a.associationId()))
            .association();
    assertThat(d.associationId()).isEqualTo(a.associationId());
    assertThatThrownBy(
            () ->
                eks.describePodIdentityAssociation(
                    b -> b.clusterName("local").associationId(a.associationId())))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void sameClientRequestTokenAndBodyReturnsTheSameAssociation() {
    CreatePodIdentityAssociationResponse r1 =
        eks.createPodIdentityAssociation(
            b ->
                b.clusterName("local")
                    .namespace("default")
                    .serviceAccount("sa")
                    .roleArn(ROLE)
                    .clientRequestToken("tok-1"));
    CreatePodIdentityAssociationResponse r2 =
        eks.createPodIdentityAssociation(
            b ->
                b.clusterName("local")
                    .namespace("default")
                    .serviceAccount("sa")
                    .roleArn(ROLE)
                    .clientRequestToken("tok-1"));
    assertThat(r2.association()).isEqualTo(r1.association());
    assertThat(eks.listPodIdentityAssociations(b -> b.clusterName("local")).associations())
        .hasSize(1);
  }

  @Test
  void sameClientRequestTokenWithDifferentBodyIsInvalidRequest() {
    eks.createPodIdentityAssociation(
        b ->
            b.clusterName("local")
                .namespace("default")
                .serviceAccount("sa")
                .roleArn(ROLE)
                .clientRequestToken("tok-2"));
    assertThatThrownBy(
            () ->
                eks.createPodIdentityAssociation(
                    b ->
                        b.clusterName("local")
                            .namespace("default")
                            .serviceAccount("other")
                            .roleArn(ROLE)
                            .clientRequestToken("tok-2")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("already used with different parameters");
  }

  @Test
  void listPaginatesInStableOrderWithoutDuplicates() {
    for (int i = 0; i < 25; i++) {
      create("ns" + (i % 3), "sa-" + i);
    }
    List<String> ids = new ArrayList<>();
    eks.listPodIdentityAssociationsPaginator(b -> b.clusterName("local").maxResults(7))
        .associations()
        .forEach(s -> ids.add(s.associationId()));
    assertThat(ids).hasSize(25).doesNotHaveDuplicates();
  }

  @Test
  void listFiltersByNamespaceAndServiceAccount() {
    create("a", "x");
    create("a", "y");
    create("b", "x");
    List<PodIdentityAssociationSummary> byNs =
        eks.listPodIdentityAssociations(b -> b.clusterName("local").namespace("a")).associations();
    assertThat(byNs)
        .extracting(PodIdentityAssociationSummary::serviceAccount)
        .containsExactly("x", "y");
    List<PodIdentityAssociationSummary> both =
        eks.listPodIdentityAssociations(
                b -> b.clusterName("local").namespace("b").serviceAccount("x"))
            .associations();
    assertThat(both).hasSize(1);
  }

  @Test
  void forgedNextTokenIsInvalidParameter() {
    assertThatThrownBy(
            () ->
                eks.listPodIdentityAssociations(
                    b -> b.clusterName("local").nextToken("AAAAAAAAAAEAAAAAAAAAAAAAAAAAAAAA")))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("nextToken");
  }

  @Test
  void nextTokenFromAnotherFilterIsInvalidParameter() {
    for (int i = 0; i < 3; i++) {
      create("a", "s" + i);
    }
    String token =
        eks.listPodIdentityAssociations(b -> b.clusterName("local").maxResults(1)).nextToken();
    assertThat(token).isNotNull();
    assertThatThrownBy(
            () ->
                eks.listPodIdentityAssociations(
                    b -> b.clusterName("local").namespace("a").nextToken(token)))
        .isInstanceOf(InvalidParameterException.class);
  }

  @Test
  void maxResultsAbove100IsInvalidParameter() {
    assertThatThrownBy(
            () -> eks.listPodIdentityAssociations(b -> b.clusterName("local").maxResults(101)))
        .isInstanceOf(InvalidParameterException.class);
  }

  @Test
  void racingCreatesForOneServiceAccountMakeExactlyOne() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<String>> tasks = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        tasks.add(
            () -> {
              try {
                return create("race", "sa").associationId();
              } catch (ResourceInUseException e) {
                return "409";
              }
            });
      }
      Set<String> outcomes = new HashSet<>();
      int created = 0;
      for (Future<String> f : pool.invokeAll(tasks)) {
        String r = f.get();
        if (!r.equals("409")) {
          created++;
        }
        outcomes.add(r);
      }
      assertThat(created).isEqualTo(1);
      assertThat(outcomes).contains("409");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theFiveThousandAndFirstAssociationOfAClusterIsResourceLimitExceeded() {
    AssociationService service = ts.server().associations();
    for (int i = 0; i < AssociationRules.MAX_PER_CLUSTER; i++) {
      service.create(
          "local",
          new AssociationService.CreateRequest(
              "ns-" + (i % 50),
              "sa-" + i,
              ROLE,
              java.util.Optional.empty(),
              java.util.Optional.empty(),
              java.util.Optional.empty(),
              java.util.Optional.empty(),
              java.util.Optional.empty()));
    }
    assertThatThrownBy(() -> create("default", "one-too-many"))
        .isInstanceOf(
            software.amazon.awssdk.services.eks.model.ResourceLimitExceededException.class)
        .hasMessageContaining("maximum of 5000")
        .satisfies(e -> assertThat(((EksException) e).statusCode()).isEqualTo(400));
  }

  @Test
  void associationsSurviveARestart() {
    PodIdentityAssociation a = create("default", "sa");
    eks.close();
    ts.restart();
    eks = ts.eks();
    assertThat(
            eks.describePodIdentityAssociation(
                    b -> b.clusterName("local").associationId(a.associationId()))
                .association())
        .isEqualTo(a);
  }
}
