package io.podidentity.sigv4;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The parts of an HTTP request that SigV4 covers, as received on the wire.
 *
 * @param method the HTTP method, upper case
 * @param rawPath the path exactly as it appeared in the request line (still percent-encoded)
 * @param rawQuery the query string without '?', still percent-encoded; empty when none
 * @param headers header names (any case) to their values in arrival order
 * @param body the request body, empty when none
 */
public record HttpRequestView(
    String method,
    String rawPath,
    String rawQuery,
    Map<String, List<String>> headers,
    byte[] body) {
  public HttpRequestView {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(rawPath, "rawPath");
    rawQuery = rawQuery == null ? "" : rawQuery;
    Objects.requireNonNull(headers, "headers");
    body = body == null ? new byte[0] : body;
  }

  /** The first value of a header, matched case-insensitively, or null. */
  public String header(String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return null;
  }
}
