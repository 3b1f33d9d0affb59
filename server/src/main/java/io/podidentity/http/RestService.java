package io.podidentity.http;

import io.podidentity.api.ApiException;
import io.podidentity.auth.Caller;
import io.podidentity.sigv4.internal.Canonical;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The operations of one rest-json service (one SigV4 signing name: {@code eks}, {@code eks-auth}),
 * routed by method and path template. Built once; immutable.
 */
public final class RestService {
  /**
   * An operation: turns a call into a response body (serialised as JSON) or throws ApiException.
   */
  @FunctionalInterface
  public interface Operation {
    Object handle(Call call);
  }

  /**
   * Told when the front door refuses an authenticated caller one of this service's operations
   * (AccessDeniedException), before the operation runs — e.g. so EKS Auth can audit the refusal.
   */
  @FunctionalInterface
  public interface DeniedListener {
    void denied(Caller caller, Map<String, String> pathParams, ApiException refusal);
  }

  /** A matched route: the IAM action it needs, its resource, and the operation. */
  public record Route(
      String method,
      String template,
      String action,
      Function<Map<String, String>, String> resource,
      Operation operation) {}

  /** A route matched against a request path. */
  public record Match(Route route, Map<String, String> pathParams) {}

  private final String signingName;
  private final List<Route> routes;
  private final int accessDeniedStatus;
  private final DeniedListener deniedListener;

  private RestService(
      String signingName,
      List<Route> routes,
      int accessDeniedStatus,
      DeniedListener deniedListener) {
    this.signingName = signingName;
    this.routes = List.copyOf(routes);
    this.accessDeniedStatus = accessDeniedStatus;
    this.deniedListener = deniedListener;
  }

  public String signingName() {
    return signingName;
  }

  /**
   * Finds the route for a request; 404 UnknownOperationException when no path matches, 405 when the
   * path exists for other methods.
   */
  public Match match(String method, String rawPath) {
    String[] segs = split(rawPath);
    boolean pathKnown = false;
    for (Route r : routes) {
      Optional<Map<String, String>> params = matchTemplate(split(r.template()), segs);
      if (params.isPresent()) {
        if (r.method().equals(method)) {
          return new Match(r, params.get());
        }
        pathKnown = true;
      }
    }
    if (pathKnown) {
      throw new ApiException(
          "MethodNotAllowedException", 405, "Method " + method + " is not allowed on this path.");
    }
    throw new ApiException(
        "UnknownOperationException", 404, "No operation matches " + method + " " + clip(rawPath));
  }

  /** The status an AccessDeniedException has in this service (403 for EKS, 400 for EKS Auth). */
  public int accessDeniedStatus() {
    return accessDeniedStatus;
  }

  /** Tells this service's {@link DeniedListener}, if any, that the front door refused a caller. */
  public void accessDenied(Caller caller, Map<String, String> pathParams, ApiException refusal) {
    deniedListener.denied(caller, pathParams, refusal);
  }

  private static String[] split(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.isEmpty() ? new String[0] : p.split("/", -1);
  }

  private static Optional<Map<String, String>> matchTemplate(String[] tpl, String[] segs) {
    if (tpl.length != segs.length) {
      return Optional.empty();
    }
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < tpl.length; i++) {
      String t = tpl[i];
      if (t.startsWith("{") && t.endsWith("}")) {
        String v = Canonical.decode(segs[i]);
        if (v.isEmpty()) {
          return Optional.empty();
        }
        params.put(t.substring(1, t.length() - 1), v);
      } else if (!t.equals(segs[i])) {
        return Optional.empty();
      }
    }
    return Optional.of(params);
  }

  private static String clip(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "..." : s;
  }

  public static Builder builder(String signingName) {
    return new Builder(signingName);
  }

  /** Builds a {@link RestService}. */
  public static final class Builder {
    private final String signingName;
    private final List<Route> routes = new ArrayList<>();
    private int accessDeniedStatus = 403;
    private DeniedListener deniedListener = (caller, params, refusal) -> {};

    private Builder(String signingName) {
      this.signingName = signingName;
    }

    public Builder route(
        String method,
        String template,
        String action,
        Function<Map<String, String>, String> resource,
        Operation op) {
      routes.add(new Route(method, template, action, resource, op));
      return this;
    }

    /** EKS Auth models AccessDeniedException as 400, not 403 (aws-models/eks-auth). */
    public Builder accessDeniedStatus(int status) {
      accessDeniedStatus = status;
      return this;
    }

    /** Who to tell when the front door refuses a caller an operation of this service. */
    public Builder onAccessDenied(DeniedListener listener) {
      this.deniedListener = java.util.Objects.requireNonNull(listener, "listener");
      return this;
    }

    public RestService build() {
      return new RestService(signingName, routes, accessDeniedStatus, deniedListener);
    }
  }
}
