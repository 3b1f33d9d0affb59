package io.podidentity.http.internal;

import io.podidentity.api.ApiException;
import io.podidentity.http.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rest-json error envelope (aws-wire-protocols.md §0.4): the one place an {@link ApiException}
 * becomes bytes for the EKS and EKS Auth APIs. Every SDK finds the code in {@code x-amzn-ErrorType}
 * first and in {@code __type} otherwise; the message in {@code message}.
 */
public final class RestJson {
  private RestJson() {}

  public static HttpAnswer error(ApiException e, String requestId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("__type", e.code());
    body.put("message", e.getMessage());
    return new HttpAnswer(
        e.status(),
        "application/json",
        Map.of("x-amzn-ErrorType", e.code(), "x-amzn-RequestId", requestId),
        Json.write(body));
  }

  public static HttpAnswer ok(Object body, String requestId) {
    return new HttpAnswer(
        200, "application/json", Map.of("x-amzn-RequestId", requestId), Json.write(body));
  }
}
