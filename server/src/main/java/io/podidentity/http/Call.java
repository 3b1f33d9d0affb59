package io.podidentity.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podidentity.api.ApiException;
import io.podidentity.auth.Caller;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One authenticated rest-json call as an operation sees it.
 *
 * @param caller who signed the request
 * @param pathParams the URI labels of the matched route, percent-decoded
 * @param query the query parameters, percent-decoded
 * @param body the request body (bounded in size by the front door)
 * @param requestId the x-amzn-RequestId of this call
 */
public record Call(
    Caller caller,
    Map<String, String> pathParams,
    Map<String, List<String>> query,
    byte[] body,
    String requestId) {
  public Call {
    Objects.requireNonNull(caller, "caller");
    pathParams = Map.copyOf(pathParams);
    query = Map.copyOf(query);
    body = body == null ? new byte[0] : body;
  }

  public String path(String name) {
    return pathParams.get(name);
  }

  /** A single-valued query parameter; repeating it is an InvalidParameterException. */
  public Optional<String> queryParam(String name) {
    List<String> v = query.get(name);
    if (v == null || v.isEmpty()) {
      return Optional.empty();
    }
    if (v.size() > 1) {
      throw ApiException.invalidParameter("Query parameter " + name + " may appear only once.");
    }
    return Optional.of(v.get(0));
  }

  public ObjectNode json() {
    return Json.parseObject(body);
  }
}
