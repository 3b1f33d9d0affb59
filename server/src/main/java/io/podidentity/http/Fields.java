package io.podidentity.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podidentity.api.ApiException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed access to the members of a rest-json request body. Wrong types and unknown members are
 * InvalidParameterException / InvalidRequestException naming the member.
 */
public final class Fields {
  private final ObjectNode body;

  public Fields(ObjectNode body, Set<String> allowed) {
    this.body = body;
    body.fieldNames()
        .forEachRemaining(
            n -> {
              if (!allowed.contains(n)) {
                throw ApiException.invalidRequest("Unknown member in request body: " + clip(n));
              }
            });
  }

  public Optional<String> string(String name) {
    JsonNode n = body.get(name);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isTextual()) {
      throw ApiException.invalidParameter(name + " must be a string.");
    }
    return Optional.of(n.textValue());
  }

  public String requiredString(String name) {
    return string(name)
        .orElseThrow(() -> ApiException.invalidParameter("Missing required parameter: " + name));
  }

  public Optional<Boolean> bool(String name) {
    JsonNode n = body.get(name);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isBoolean()) {
      throw ApiException.invalidParameter(name + " must be a boolean.");
    }
    return Optional.of(n.booleanValue());
  }

  public Optional<Map<String, String>> stringMap(String name) {
    JsonNode n = body.get(name);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isObject()) {
      throw ApiException.invalidParameter(name + " must be a map of strings.");
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (var e : n.properties()) {
      if (!e.getValue().isTextual()) {
        throw ApiException.invalidParameter(
            name + " values must be strings (key " + clip(e.getKey()) + ").");
      }
      m.put(e.getKey(), e.getValue().textValue());
    }
    return Optional.of(m);
  }

  public JsonNode raw(String name) {
    return body.get(name);
  }

  static String clip(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "..." : s;
  }
}
