package io.podidentity.eksauth;

import io.podidentity.cluster.Cluster;
import io.podidentity.cluster.ClusterRegistry;
import io.podidentity.http.Call;
import io.podidentity.http.Fields;
import io.podidentity.http.RestService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The EKS Auth API (aws-wire-protocols.md §2): {@code POST
 * /clusters/{clusterName}/assume-role-for-pod-identity}, signing name {@code eks-auth}, all five
 * response members, AccessDeniedException as 400 as the model says.
 */
public final class EksAuthApi {
  private final PodIdentityService service;
  private final ClusterRegistry clusters;

  public EksAuthApi(PodIdentityService service, ClusterRegistry clusters) {
    this.service = service;
    this.clusters = clusters;
  }

  public RestService build() {
    return RestService.builder("eks-auth")
        .accessDeniedStatus(400)
        // A caller refused the operation is a refusal of credentials too (issue 4 §6).
        .onAccessDenied(
            (caller, params, refusal) ->
                service.callerDenied(params.get("clusterName"), caller, refusal))
        .route(
            "POST",
            "/clusters/{clusterName}/assume-role-for-pod-identity",
            "eks-auth:AssumeRoleForPodIdentity",
            p -> clusters.find(p.get("clusterName")).map(Cluster::arn).orElse("*"),
            this::assumeRole)
        .build();
  }

  private Object assumeRole(Call call) {
    String cluster = call.path("clusterName");
    Cluster.validateName(cluster);
    Fields f = new Fields(call.json(), Set.of("token", "eksNodeName", "instanceId", "zone"));
    String token = f.requiredString("token");
    // The token's size (16 KiB) and shape (the model's JwtToken pattern) are checked by the
    // verifier inside the service, so these refusals are audited like every other (issue 4 §6).
    PodIdentityService.Result r =
        service.assumeRole(cluster, token, f.string("eksNodeName"), call.caller());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(
        "subject",
        Map.of(
            "namespace",
            r.claims().namespace(),
            "serviceAccount",
            r.claims().serviceAccountName()));
    out.put("audience", ClusterTrusts.AUDIENCE);
    out.put(
        "podIdentityAssociation",
        Map.of(
            "associationArn",
            r.association().associationArn(),
            "associationId",
            r.association().associationId()));
    out.put(
        "assumedRoleUser",
        Map.of(
            "arn",
            r.credentials().assumedRoleArn(),
            "assumeRoleId",
            r.credentials().assumedRoleId()));
    Map<String, Object> creds = new LinkedHashMap<>();
    creds.put("sessionToken", r.credentials().sessionToken());
    creds.put("secretAccessKey", r.credentials().secretAccessKey());
    creds.put("accessKeyId", r.credentials().accessKeyId());
    creds.put("expiration", r.credentials().expiration().getEpochSecond());
    out.put("credentials", creds);
    return out;
  }
}
