package io.podidentity.eksauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.podidentity.testing.AwsCli;
import io.podidentity.testing.SignedCluster;
import io.podidentity.testing.TestServer;
import io.podidentity.token.MintRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * {@code aws eks-auth assume-role-for-pod-identity} (the seeds' command) with the agent's profile
 * {@code podidentity-agent}: a valid token gets past verification and the association lookup, an
 * expired one is refused with ExpiredTokenException in the CLI's error line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AwsCliEksAuthTest {
  static final String ROLE = "arn:aws:iam::111122223333:role/my-role";

  TestServer ts;
  SignedCluster local;
  AwsCli agentCli;
  String associationId;

  @BeforeAll
  void start() {
    ts = new TestServer();
    local = SignedCluster.local(ts);
    agentCli = new AwsCli(ts.dataDir(), "podidentity-agent");
    try (EksClient eks = ts.eks()) {
      associationId =
          eks.createPodIdentityAssociation(
                  b ->
                      b.clusterName("local")
                          .namespace("default")
                          .serviceAccount("my-service-account")
                          .roleArn(ROLE))
              .association()
              .associationId();
    }
  }

  @AfterAll
  void stop() {
    ts.close();
  }

  private AwsCli.Result assumeRole(String token) {
    return agentCli.run(
        "eks-auth", "assume-role-for-pod-identity", "--cluster-name", "local", "--token", token);
  }

  @Test
  void validTokenGetsPastVerificationAndTheAssociationLookup() {
    int before = EksAuthClients.auditRows(ts).size();
    AwsCli.Result r = assumeRole(local.mint("default", "my-service-account"));
    if (r.exitCode() == 0) {
      assertThat(r.json().path("podIdentityAssociation").path("associationId").asText())
          .isEqualTo(associationId);
    } else {
      // No issuer wired yet (or one that refuses this role): not a verdict on the token.
      assertThat(r.stderr()).doesNotContain("InvalidToken", "ExpiredToken", "ResourceNotFound");
    }
    List<Map<String, Object>> rows = EksAuthClients.auditRows(ts);
    assertThat(rows).hasSize(before + 1);
    assertThat(rows.get(rows.size() - 1).get("association_id")).isEqualTo(associationId);
  }

  @Test
  void expiredTokenIsRefusedWithExpiredTokenException() {
    String token =
        local.mint(
            MintRequest.of("default", "my-service-account").withExpiresIn(Duration.ofSeconds(600)),
            local.issuer(),
            Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-700)));
    AwsCli.Result r = assumeRole(token);
    assertThat(r.exitCode()).isEqualTo(AwsCli.serviceErrorExitCode());
    assertThat(r.stderr())
        .contains("(ExpiredTokenException)")
        .contains("AssumeRoleForPodIdentity")
        .contains("The specified Kubernetes service account token is expired.");
  }
}
