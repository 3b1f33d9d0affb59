package io.podidentity.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.podidentity.http.Json;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Stores a {@link Caller} (less its key id) as JSON in the access_keys table. */
final class SessionCodec {
  private SessionCodec() {}

  static String encode(Caller c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("arn", c.arn());
    m.put("accountId", c.accountId());
    m.put("userId", c.userId());
    m.put("kind", c.kind().name());
    c.roleArn().ifPresent(r -> m.put("roleArn", r));
    m.put("sessionTags", c.sessionTags());
    c.sessionData().ifPresent(d -> m.put("sessionData", d));
    return new String(Json.write(m), java.nio.charset.StandardCharsets.UTF_8);
  }

  static Caller decode(String accessKeyId, String json) {
    try {
      JsonNode n = Json.MAPPER.readTree(json);
      Map<String, String> tags =
          Json.MAPPER.convertValue(
              n.get("sessionTags"), new TypeReference<Map<String, String>>() {});
      return new Caller(
          accessKeyId,
          n.get("arn").asText(),
          n.get("accountId").asText(),
          n.get("userId").asText(),
          Caller.Kind.valueOf(n.get("kind").asText()),
          Optional.ofNullable(n.get("roleArn")).map(JsonNode::asText),
          tags == null ? Map.of() : tags,
          Optional.ofNullable(n.get("sessionData")).map(JsonNode::asText));
    } catch (IOException e) {
      throw new IllegalStateException("corrupt session record for " + accessKeyId, e);
    }
  }
}
