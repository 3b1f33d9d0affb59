package io.podidentity.eksauth;

import io.podidentity.api.ApiException;
import io.podidentity.association.Association;
import io.podidentity.association.AssociationIndex;
import io.podidentity.audit.AuditLog;
import io.podidentity.audit.AuditRecord;
import io.podidentity.auth.Caller;
import io.podidentity.cluster.Cluster;
import io.podidentity.cluster.ClusterRegistry;
import io.podidentity.issuer.CredentialIssuer;
import io.podidentity.issuer.IssueRequest;
import io.podidentity.issuer.IssuedCredentials;
import io.podidentity.issuer.UpstreamFailure;
import io.podidentity.token.ServiceAccountClaims;
import io.podidentity.token.TokenVerifier;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AssumeRoleForPodIdentity: a projected service-account token in, temporary credentials for the
 * associated role out (issue 4). Verifies the token against the cluster's keys, finds the
 * association for its (namespace, service account), asks the issuer for credentials with the six
 * session tags, and leaves an audit record of every issuance and every refusal.
 */
public final class PodIdentityService {
  private static final Logger LOG = LoggerFactory.getLogger(PodIdentityService.class);

  /** EKS Pod Identity credentials last 6 hours (pod-id-how-it-works.adoc, agent caching notes). */
  static final Duration SESSION_DURATION = Duration.ofHours(6);

  /** A chained (target role) session is limited to 1 hour by STS role chaining. */
  static final Duration CHAINED_DURATION = Duration.ofHours(1);

  private final ClusterRegistry clusters;
  private final AssociationIndex associations;
  private final TokenVerifier verifier;
  private final CredentialIssuer issuer;
  private final AuditLog audit;
  private final Clock clock;
  private final ClusterTrusts trusts;

  public PodIdentityService(
      ClusterRegistry clusters,
      AssociationIndex associations,
      TokenVerifier verifier,
      CredentialIssuer issuer,
      AuditLog audit,
      Clock clock) {
    this.clusters = clusters;
    this.associations = associations;
    this.verifier = verifier;
    this.issuer = issuer;
    this.audit = audit;
    this.clock = clock;
    this.trusts = new ClusterTrusts(clock);
    clusters.onRemoval(trusts::forget);
  }

  /** What the response is built from. */
  public record Result(
      ServiceAccountClaims claims, Association association, IssuedCredentials credentials) {}

  public Result assumeRole(
      String clusterName, String token, Optional<String> nodeName, Caller caller) {
    Cluster cluster;
    try {
      cluster = clusters.require(clusterName);
    } catch (ApiException e) {
      refuse(clusterName, null, null, e, caller);
      throw e;
    }
    ServiceAccountClaims claims;
    try {
      claims = verifier.verify(token, trusts.of(cluster));
    } catch (ApiException e) {
      refuse(clusterName, null, null, e, caller);
      throw e;
    }
    Optional<Association> found =
        associations.find(cluster.name(), claims.namespace(), claims.serviceAccountName());
    if (found.isEmpty()) {
      ApiException e =
          ApiException.notFound(
              "No Pod Identity association found for service account "
                  + claims.serviceAccountName()
                  + " in namespace "
                  + claims.namespace()
                  + " of cluster "
                  + cluster.name()
                  + ".");
      refuse(clusterName, claims, null, e, caller);
      throw e;
    }
    Association a = found.get();
    String session = sessionName(cluster.name(), claims.podName());
    Map<String, String> tags = a.disableSessionTags() ? Map.of() : sessionTags(cluster, claims);
    IssueRequest req =
        new IssueRequest(
            cluster.name(),
            cluster.arn(),
            cluster.accountId(),
            cluster.region(),
            a.roleArn(),
            a.targetRoleArn(),
            a.externalId(),
            session,
            tags,
            a.policy(),
            a.targetRoleArn().isPresent() ? CHAINED_DURATION : SESSION_DURATION);
    IssuedCredentials creds;
    try {
      creds = issuer.issue(req);
    } catch (ApiException e) {
      refuse(clusterName, claims, a, e, caller);
      throw e;
    }
    audit.record(
        new AuditRecord(
            clock.instant(),
            cluster.name(),
            Optional.of(claims.namespace()),
            Optional.of(claims.serviceAccountName()),
            Optional.of(claims.podName()),
            Optional.of(claims.podUid()),
            Optional.ofNullable(claims.nodeName()).or(() -> nodeName),
            Optional.of(a.associationId()),
            Optional.of(a.targetRoleArn().orElse(a.roleArn())),
            Optional.of(session),
            Optional.of(creds.accessKeyId()),
            Optional.of(creds.expiration()),
            AuditRecord.Outcome.ISSUED,
            Optional.empty(),
            Optional.of(caller.arn()),
            creds.upstreamRequestId()));
    LOG.info(
        "issued {} for {}/{} pod {} (association {}, role {}, until {})",
        creds.accessKeyId(),
        claims.namespace(),
        claims.serviceAccountName(),
        claims.podName(),
        a.associationId(),
        a.targetRoleArn().orElse(a.roleArn()),
        creds.expiration());
    return new Result(claims, a, creds);
  }

  /**
   * Records that the front door refused {@code caller} AssumeRoleForPodIdentity on {@code
   * clusterName} (AccessDeniedException): no token was looked at, so the record names only the
   * cluster as requested (clipped), the caller and the reason.
   */
  public void callerDenied(String clusterName, Caller caller, ApiException refusal) {
    String cluster = clusterName.length() > 100 ? clusterName.substring(0, 100) : clusterName;
    refuse(cluster, null, null, refusal, caller);
  }

  private void refuse(
      String cluster, ServiceAccountClaims claims, Association a, ApiException e, Caller caller) {
    Optional<ServiceAccountClaims> c = Optional.ofNullable(claims);
    audit.record(
        new AuditRecord(
            clock.instant(),
            cluster,
            c.map(ServiceAccountClaims::namespace),
            c.map(ServiceAccountClaims::serviceAccountName),
            c.map(ServiceAccountClaims::podName),
            c.map(ServiceAccountClaims::podUid),
            c.map(ServiceAccountClaims::nodeName),
            Optional.ofNullable(a).map(Association::associationId),
            Optional.ofNullable(a).map(x -> x.targetRoleArn().orElse(x.roleArn())),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            AuditRecord.Outcome.REFUSED,
            Optional.of(e.code() + ": " + e.getMessage()),
            Optional.of(caller.arn()),
            UpstreamFailure.of(e).flatMap(UpstreamFailure::upstreamRequestId)));
    LOG.info(
        "refused credentials in cluster {} for {}: {} {}",
        cluster,
        c.map(x -> x.namespace() + "/" + x.serviceAccountName() + " pod " + x.podName())
            .orElse("an unverified token"),
        e.code(),
        e.getMessage());
  }

  /** {@code eks-CLUSTER-POD-UUID}, cut to STS's 64-character limit on session names. */
  static String sessionName(String cluster, String pod) {
    String s = "eks-" + cluster + "-" + pod + "-" + UUID.randomUUID();
    return s.length() <= 64 ? s : s.substring(0, 64);
  }

  /** The six session tags EKS Pod Identity adds (pod-id-abac.adoc). */
  static Map<String, String> sessionTags(Cluster c, ServiceAccountClaims claims) {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("eks-cluster-arn", c.arn());
    t.put("eks-cluster-name", c.name());
    t.put("kubernetes-namespace", claims.namespace());
    t.put("kubernetes-service-account", claims.serviceAccountName());
    t.put("kubernetes-pod-name", claims.podName());
    t.put("kubernetes-pod-uid", claims.podUid());
    return t;
  }
}
