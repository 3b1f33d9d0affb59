package io.podidentity.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podidentity.api.ApiException;
import io.podidentity.http.Call;
import io.podidentity.http.Fields;
import io.podidentity.http.Json;
import io.podidentity.http.RestService;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The cluster operations on the EKS API: DescribeCluster and ListClusters as EKS answers them (so
 * {@code aws eks describe-cluster} works), DeleteCluster, and podidentity's own register call
 * (docs/internal-api.md).
 */
public final class ClusterApi {
  private final ClusterRegistry registry;
  private final String defaultAccount;
  private final String region;
  private final Clock clock;

  public ClusterApi(ClusterRegistry registry, String defaultAccount, String region, Clock clock) {
    this.registry = registry;
    this.defaultAccount = defaultAccount;
    this.region = region;
    this.clock = clock;
  }

  /** Adds this API's routes to an EKS service builder. */
  public RestService.Builder register(RestService.Builder b) {
    return b.route("GET", "/clusters", "eks:ListClusters", p -> arnPrefix() + "*", this::list)
        .route(
            "GET",
            "/clusters/{name}",
            "eks:DescribeCluster",
            p -> arn(p.get("name")),
            this::describe)
        .route(
            "DELETE",
            "/clusters/{name}",
            "eks:DeleteCluster",
            p -> arn(p.get("name")),
            this::delete)
        .route(
            "POST",
            "/podidentity/v1/clusters",
            "eks:CreateCluster",
            p -> arnPrefix() + "*",
            this::create);
  }

  private String arnPrefix() {
    return "arn:"
        + Cluster.partition(region)
        + ":eks:"
        + region
        + ":"
        + defaultAccount
        + ":cluster/";
  }

  private String arn(String name) {
    return registry.find(name).map(Cluster::arn).orElse(arnPrefix() + name);
  }

  private Object list(Call call) {
    int max = call.queryParam("maxResults").map(v -> parseMax(v)).orElse(100);
    List<String> names = registry.list().stream().map(Cluster::name).sorted().toList();
    int from = call.queryParam("nextToken").map(ClusterApi::parseToken).orElse(0);
    Map<String, Object> out = new LinkedHashMap<>();
    int to = Math.min(names.size(), from + max);
    out.put("clusters", from >= names.size() ? List.of() : names.subList(from, to));
    if (to < names.size()) {
      out.put("nextToken", "c" + to);
    }
    return out;
  }

  private static int parseMax(String v) {
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= 100) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw ApiException.invalidParameter("maxResults must be an integer from 1 to 100.");
  }

  private static int parseToken(String t) {
    try {
      if (t.startsWith("c")) {
        return Math.max(0, Integer.parseInt(t.substring(1)));
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw ApiException.invalidParameter("The nextToken is not valid.");
  }

  private Object describe(Call call) {
    Cluster.validateName(call.path("name"));
    return Map.of("cluster", shape(registry.require(call.path("name")), "ACTIVE"));
  }

  private Object delete(Call call) {
    Cluster.validateName(call.path("name"));
    return Map.of("cluster", shape(registry.remove(call.path("name")), "DELETING"));
  }

  private Object create(Call call) {
    ObjectNode body = call.json();
    Fields f = new Fields(body, Set.of("name", "issuer", "jwks", "jwksUri", "accountId"));
    String name = f.requiredString("name");
    Cluster.validateName(name);
    String issuer = f.requiredString("issuer");
    Optional<String> jwks = Optional.empty();
    if (f.raw("jwks") != null && !f.raw("jwks").isNull()) {
      if (!f.raw("jwks").isObject() || !f.raw("jwks").has("keys")) {
        throw ApiException.invalidParameter("jwks must be a JWKS object with a keys array.");
      }
      jwks = Optional.of(f.raw("jwks").toString());
    }
    Optional<String> uri = f.string("jwksUri");
    uri.ifPresent(
        u -> {
          if (!u.startsWith("https://") && !u.startsWith("http://")) {
            throw ApiException.invalidParameter("jwksUri must be an http(s) URL, was: " + u);
          }
        });
    Cluster c =
        new Cluster(
            name,
            f.string("accountId").orElse(defaultAccount),
            region,
            issuer,
            jwks,
            uri,
            clock.instant());
    return Map.of("cluster", shape(registry.add(c), "ACTIVE"));
  }

  /** The DescribeCluster shape, with the members a pod-identity user looks at. */
  public static Map<String, Object> shape(Cluster c, String status) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", c.name());
    m.put("arn", c.arn());
    m.put("createdAt", Json.epochSeconds(c.createdAt()));
    m.put("version", "1.31");
    m.put("identity", Map.of("oidc", Map.of("issuer", c.issuer())));
    m.put("status", status);
    m.put("tags", Map.of());
    return m;
  }
}
