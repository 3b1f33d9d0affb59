package io.podidentity.audit;

import io.podidentity.api.ApiException;
import io.podidentity.http.Call;
import io.podidentity.http.RestService;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * {@code GET /podidentity/v1/audit}: the audit trail, newest first, filtered by time range ({@code
 * from}, {@code to}: ISO-8601 instants), cluster, namespace, serviceAccount and roleArn.
 */
public final class AuditApi {
  private final AuditLog log;

  public AuditApi(AuditLog log) {
    this.log = log;
  }

  public RestService.Builder register(RestService.Builder b) {
    return b.route(
        "GET", "/podidentity/v1/audit", "podidentity:ListAuditRecords", p -> "*", this::list);
  }

  private Object list(Call call) {
    int max =
        call.queryParam("maxResults")
            .map(
                v -> {
                  try {
                    return Integer.parseInt(v);
                  } catch (NumberFormatException e) {
                    throw ApiException.invalidParameter("maxResults must be an integer.");
                  }
                })
            .orElse(100);
    AuditLog.Filter f =
        new AuditLog.Filter(
            call.queryParam("from").map(v -> instant("from", v)),
            call.queryParam("to").map(v -> instant("to", v)),
            call.queryParam("cluster"),
            call.queryParam("namespace"),
            call.queryParam("serviceAccount"),
            call.queryParam("roleArn"),
            max);
    return Map.of("records", log.query(f).stream().map(AuditRecord::toWire).toList());
  }

  private static Instant instant(String name, String v) {
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw ApiException.invalidParameter(
          name + " must be an ISO-8601 instant such as 2026-11-23T12:00:00Z, was: " + clip(v));
    }
  }

  private static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
