package io.podidentity.association;

import io.podidentity.api.ApiException;
import io.podidentity.cluster.Cluster;
import io.podidentity.cluster.ClusterRegistry;
import io.podidentity.http.Call;
import io.podidentity.http.Fields;
import io.podidentity.http.RestService;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The five pod identity association operations of the EKS API, wire-compatible with the real
 * service (aws-wire-protocols.md §1), plus the change feed (docs/internal-api.md).
 */
public final class AssociationApi {
  private static final String BASE = "/clusters/{name}/pod-identity-associations";
  private static final Set<String> CREATE_MEMBERS =
      Set.of(
          "namespace",
          "serviceAccount",
          "roleArn",
          "clientRequestToken",
          "tags",
          "disableSessionTags",
          "targetRoleArn",
          "policy");
  private static final Set<String> UPDATE_MEMBERS =
      Set.of("roleArn", "clientRequestToken", "disableSessionTags", "targetRoleArn", "policy");

  private final AssociationService service;
  private final ChangeFeed feed;
  private final ClusterRegistry clusters;

  public AssociationApi(AssociationService service, ChangeFeed feed, ClusterRegistry clusters) {
    this.service = service;
    this.feed = feed;
    this.clusters = clusters;
  }

  public RestService.Builder register(RestService.Builder b) {
    return b.route("POST", BASE, "eks:CreatePodIdentityAssociation", this::clusterArn, this::create)
        .route("GET", BASE, "eks:ListPodIdentityAssociations", this::clusterArn, this::list)
        .route(
            "GET",
            BASE + "/{associationId}",
            "eks:DescribePodIdentityAssociation",
            this::associationArn,
            this::describe)
        .route(
            "POST",
            BASE + "/{associationId}",
            "eks:UpdatePodIdentityAssociation",
            this::associationArn,
            this::update)
        .route(
            "DELETE",
            BASE + "/{associationId}",
            "eks:DeletePodIdentityAssociation",
            this::associationArn,
            this::delete)
        .route(
            "GET",
            "/podidentity/v1/clusters/{name}/association-changes",
            "eks:ListPodIdentityAssociations",
            this::clusterArn,
            this::changes);
  }

  private String clusterArn(Map<String, String> p) {
    return clusters.find(p.get("name")).map(Cluster::arn).orElse("*");
  }

  private String associationArn(Map<String, String> p) {
    return clusters
        .find(p.get("name"))
        .map(
            c ->
                c.arn().replace(":cluster/", ":podidentityassociation/")
                    + "/"
                    + p.get("associationId"))
        .orElse("*");
  }

  private Object create(Call call) {
    Cluster.validateName(call.path("name"));
    Fields f = new Fields(call.json(), CREATE_MEMBERS);
    Association a =
        service.create(
            call.path("name"),
            new AssociationService.CreateRequest(
                f.requiredString("namespace"),
                f.requiredString("serviceAccount"),
                f.requiredString("roleArn"),
                f.string("targetRoleArn"),
                f.bool("disableSessionTags"),
                f.string("policy"),
                f.stringMap("tags"),
                f.string("clientRequestToken")));
    return Map.of("association", a.toWire());
  }

  private Object describe(Call call) {
    Cluster.validateName(call.path("name"));
    return Map.of(
        "association", service.describe(call.path("name"), call.path("associationId")).toWire());
  }

  private Object update(Call call) {
    Cluster.validateName(call.path("name"));
    Fields f = new Fields(call.json(), UPDATE_MEMBERS);
    Association a =
        service.update(
            call.path("name"),
            call.path("associationId"),
            new AssociationService.UpdateRequest(
                f.string("roleArn"),
                f.string("targetRoleArn"),
                f.bool("disableSessionTags"),
                f.string("policy"),
                f.string("clientRequestToken")));
    return Map.of("association", a.toWire());
  }

  private Object delete(Call call) {
    Cluster.validateName(call.path("name"));
    return Map.of(
        "association", service.delete(call.path("name"), call.path("associationId")).toWire());
  }

  private Object list(Call call) {
    Cluster.validateName(call.path("name"));
    Optional<Integer> max = call.queryParam("maxResults").map(AssociationApi::parseInt);
    AssociationService.Page page =
        service.list(
            call.path("name"),
            call.queryParam("namespace"),
            call.queryParam("serviceAccount"),
            max,
            call.queryParam("nextToken"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("associations", page.associations().stream().map(Association::toSummary).toList());
    page.nextToken().ifPresent(t -> out.put("nextToken", t));
    return out;
  }

  private Object changes(Call call) {
    Cluster c = clusters.require(call.path("name"));
    long after = call.queryParam("after").map(AssociationApi::parseLong).orElse(0L);
    int wait = call.queryParam("waitSeconds").map(AssociationApi::parseInt).orElse(0);
    if (wait < 0 || wait > 30) {
      throw ApiException.invalidParameter("waitSeconds must be between 0 and 30.");
    }
    try {
      ChangeFeed.Page p = feed.read(c.name(), after, Duration.ofSeconds(wait));
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("changes", p.changes());
      out.put("latestSeq", p.latestSeq());
      out.put("reset", p.reset());
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException("ServiceUnavailableException", 503, "Server is shutting down.");
    }
  }

  private static int parseInt(String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw ApiException.invalidParameter("Expected an integer, got: " + AssociationRules.clip(v));
    }
  }

  private static long parseLong(String v) {
    try {
      long n = Long.parseLong(v);
      if (n < 0) {
        throw ApiException.invalidParameter("after must not be negative.");
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.invalidParameter("Expected an integer, got: " + AssociationRules.clip(v));
    }
  }
}
