package io.podidentity.http;

import io.helidon.http.Header;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.podidentity.api.ApiException;
import io.podidentity.auth.Authorizer;
import io.podidentity.auth.Caller;
import io.podidentity.http.internal.AuthErrors;
import io.podidentity.http.internal.HttpAnswer;
import io.podidentity.http.internal.QueryXml;
import io.podidentity.http.internal.RestJson;
import io.podidentity.sigv4.HttpRequestView;
import io.podidentity.sigv4.SigV4Verifier;
import io.podidentity.sigv4.internal.Canonical;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's single entry point: reads the request (bounded), authenticates it with SigV4, routes
 * it by the signing name in its credential scope to a rest-json or Query service, checks the caller
 * may perform the operation, and writes the answer — every error in the envelope of the protocol
 * the caller speaks, never a stack trace.
 */
public final class FrontDoor implements Handler {
  private static final Logger LOG = LoggerFactory.getLogger(FrontDoor.class);

  /** Largest accepted request body. EKS bodies are small; IAM policies are at most ~10 KiB. */
  public static final int MAX_BODY = 256 * 1024;

  private final SigV4Verifier<Caller> verifier;
  private final Authorizer authorizer;
  private final Map<String, RestService> rest;
  private final Map<String, QueryService> query;
  private final Map<String, Supplier<HttpAnswer>> open;
  private final RequestMetrics metrics;

  /**
   * @param open unauthenticated GET endpoints by exact path (health, metrics)
   */
  public FrontDoor(
      SigV4Verifier<Caller> verifier,
      Authorizer authorizer,
      List<RestService> rest,
      List<QueryService> query,
      Map<String, Supplier<HttpAnswer>> open,
      RequestMetrics metrics) {
    this.verifier = verifier;
    this.authorizer = authorizer;
    Map<String, RestService> r = new LinkedHashMap<>();
    rest.forEach(s -> r.put(s.signingName(), s));
    this.rest = Map.copyOf(r);
    Map<String, QueryService> q = new LinkedHashMap<>();
    query.forEach(s -> q.put(s.signingName(), s));
    this.query = Map.copyOf(q);
    this.open = Map.copyOf(open);
    this.metrics = metrics;
  }

  @Override
  public void handle(ServerRequest req, ServerResponse res) {
    long start = System.nanoTime();
    String requestId = UUID.randomUUID().toString();
    String method = req.prologue().method().text();
    String rawPath = req.path().rawPath();
    String rawQuery = req.query().rawValue();
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Header h : req.headers()) {
      headers.computeIfAbsent(h.name(), k -> new ArrayList<>()).addAll(h.allValues());
    }
    String service = SigV4Verifier.scopeService(first(headers, "authorization")).orElse(null);
    boolean queryProtocol =
        service != null ? query.containsKey(service) : looksLikeQuery(headers, rawQuery);
    Outcome out;
    try {
      out = dispatch(req, method, rawPath, rawQuery, headers, service, queryProtocol, requestId);
    } catch (RuntimeException e) {
      // A defect of ours: log it with the request id, answer a clean 500 in the caller's envelope.
      LOG.error("internal error on {} {} (request {})", method, rawPath, requestId, e);
      ApiException err =
          queryProtocol
              ? new ApiException("InternalFailure", 500, "Internal error; request " + requestId)
              : new ApiException("ServerException", 500, "Internal error; request " + requestId);
      out = new Outcome("unknown", "unknown", envelope(err, queryProtocol, service, requestId));
    }
    HttpAnswer a = out.answer();
    res.status(a.status());
    res.header("Content-Type", a.contentType());
    a.headers().forEach(res::header);
    res.send(a.body());
    metrics.observe(out.service(), out.operation(), a.status(), System.nanoTime() - start);
  }

  private record Outcome(String service, String operation, HttpAnswer answer) {}

  private Outcome dispatch(
      ServerRequest req,
      String method,
      String rawPath,
      String rawQuery,
      Map<String, List<String>> headers,
      String service,
      boolean queryProtocol,
      String requestId) {
    if (method.equals("GET") && open.containsKey(rawPath)) {
      return new Outcome("open", rawPath, open.get(rawPath).get());
    }
    byte[] body;
    try {
      body = readBody(req);
    } catch (ApiException e) {
      return new Outcome("unknown", "unknown", envelope(e, queryProtocol, service, requestId));
    }
    HttpRequestView view = new HttpRequestView(method, rawPath, rawQuery, headers, body);
    SigV4Verifier.Result<Caller> result = verifier.verify(view);
    if (result instanceof SigV4Verifier.Rejected<Caller> rej) {
      ApiException e =
          queryProtocol
              ? AuthErrors.query(rej.failure(), rej.message())
              : AuthErrors.restJson(rej.failure(), rej.message());
      LOG.debug("rejected {} {}: {} ({})", method, rawPath, rej.failure(), requestId);
      return new Outcome(
          service == null ? "unknown" : service,
          "auth",
          envelope(e, queryProtocol, service, requestId));
    }
    Caller caller = ((SigV4Verifier.Verified<Caller>) result).principal();
    if (queryProtocol) {
      return handleQuery(query.get(service), caller, method, rawQuery, headers, body, requestId);
    }
    RestService svc = rest.get(service);
    if (svc == null) {
      return new Outcome(
          service,
          "unknown",
          RestJson.error(
              new ApiException(
                  "UnrecognizedClientException",
                  403,
                  "This server does not serve " + service + "."),
              requestId));
    }
    String operation = "unknown";
    try {
      RestService.Match m = svc.match(method, rawPath);
      operation = m.route().action();
      String resource = m.route().resource().apply(m.pathParams());
      if (!authorizer.isAllowed(caller, m.route().action(), resource)) {
        ApiException denied =
            new ApiException(
                "AccessDeniedException",
                svc.accessDeniedStatus(),
                "User: "
                    + caller.arn()
                    + " is not authorized to perform: "
                    + m.route().action()
                    + " on resource: "
                    + resource);
        svc.accessDenied(caller, m.pathParams(), denied);
        throw denied;
      }
      Call call = new Call(caller, m.pathParams(), parseQuery(rawQuery), body, requestId);
      Object answer = m.route().operation().handle(call);
      return new Outcome(service, operation, RestJson.ok(answer, requestId));
    } catch (ApiException e) {
      logApiError(method, rawPath, e, requestId);
      return new Outcome(service, operation, RestJson.error(e, requestId));
    }
  }

  private Outcome handleQuery(
      QueryService svc,
      Caller caller,
      String method,
      String rawQuery,
      Map<String, List<String>> headers,
      byte[] body,
      String requestId) {
    Map<String, String> params = new LinkedHashMap<>();
    parseForm(rawQuery, params);
    String ct = first(headers, "content-type");
    if (method.equals("POST")
        && (ct == null
            || ct.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded"))) {
      parseForm(new String(body, StandardCharsets.UTF_8), params);
    }
    String action = params.getOrDefault("Action", "unknown");
    try {
      return new Outcome(
          svc.signingName(), action, QueryXml.ok(svc.handle(caller, params, requestId), requestId));
    } catch (ApiException e) {
      logApiError(method, action, e, requestId);
      return new Outcome(
          svc.signingName(), action, QueryXml.error(e, svc.xmlNamespace(), requestId));
    }
  }

  private HttpAnswer envelope(ApiException e, boolean queryProtocol, String service, String rid) {
    if (queryProtocol) {
      QueryService q = service == null ? null : query.get(service);
      String ns = q != null ? q.xmlNamespace() : "https://sts.amazonaws.com/doc/2011-06-15/";
      return QueryXml.error(e, ns, rid);
    }
    return RestJson.error(e, rid);
  }

  private static void logApiError(String method, String what, ApiException e, String rid) {
    if (e.status() >= 500) {
      LOG.warn("{} {} -> {} {}: {} ({})", method, what, e.status(), e.code(), e.getMessage(), rid);
    } else {
      LOG.debug("{} {} -> {} {} ({})", method, what, e.status(), e.code(), rid);
    }
  }

  private static byte[] readBody(ServerRequest req) {
    if (!req.content().hasEntity()) {
      return new byte[0];
    }
    try (InputStream in = req.content().inputStream()) {
      byte[] b = in.readNBytes(MAX_BODY + 1);
      if (b.length > MAX_BODY) {
        throw new ApiException(
            "RequestEntityTooLargeException",
            413,
            "The request body is larger than " + MAX_BODY + " bytes.");
      }
      return b;
    } catch (IOException e) {
      throw ApiException.invalidRequest("The request body could not be read.");
    }
  }

  private static boolean looksLikeQuery(Map<String, List<String>> headers, String rawQuery) {
    String ct = first(headers, "content-type");
    return (ct != null
            && ct.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded"))
        || rawQuery.startsWith("Action=")
        || rawQuery.contains("&Action=");
  }

  private static String first(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return null;
  }

  static Map<String, List<String>> parseQuery(String raw) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return m;
    }
    for (String p : raw.split("&")) {
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      String k = Canonical.decodeForm(eq < 0 ? p : p.substring(0, eq));
      String v = eq < 0 ? "" : Canonical.decodeForm(p.substring(eq + 1));
      m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return m;
  }

  private static void parseForm(String raw, Map<String, String> into) {
    parseQuery(raw).forEach((k, v) -> into.put(k, v.get(v.size() - 1)));
  }
}
