package io.podidentity.sts;

import com.fasterxml.jackson.databind.JsonNode;
import io.podidentity.auth.Caller;
import io.podidentity.http.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a role session carries besides its tags, kept as JSON in {@link Caller#sessionData()}.
 *
 * @param roleId the id of the role the session belongs to (a role deleted and re-created under the
 *     same name is another role: its old sessions get nothing)
 * @param sessionName the RoleSessionName
 * @param sessionPolicy the inline session policy passed to AssumeRole, if any
 * @param chained whether the session was assumed by another role session (role chaining)
 * @param transitiveTagKeys the session tags that carry over to sessions it assumes
 * @param sourceIdentity the source identity, if set (it carries over, unchangeable)
 */
public record SessionData(
    String roleId,
    String sessionName,
    Optional<String> sessionPolicy,
    boolean chained,
    List<String> transitiveTagKeys,
    Optional<String> sourceIdentity) {
  public SessionData {
    Objects.requireNonNull(roleId, "roleId");
    Objects.requireNonNull(sessionName, "sessionName");
    Objects.requireNonNull(sessionPolicy, "sessionPolicy");
    transitiveTagKeys = List.copyOf(transitiveTagKeys);
    Objects.requireNonNull(sourceIdentity, "sourceIdentity");
  }

  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("roleId", roleId);
    m.put("sessionName", sessionName);
    sessionPolicy.ifPresent(p -> m.put("sessionPolicy", p));
    m.put("chained", chained);
    m.put("transitiveTagKeys", transitiveTagKeys);
    sourceIdentity.ifPresent(s -> m.put("sourceIdentity", s));
    return new String(Json.write(m), StandardCharsets.UTF_8);
  }

  /** The session data of a role-session caller; empty for any other caller. */
  public static Optional<SessionData> of(Caller caller) {
    if (caller.kind() != Caller.Kind.ROLE_SESSION || caller.sessionData().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(fromJson(caller.sessionData().get()));
  }

  public static SessionData fromJson(String json) {
    try {
      JsonNode n = Json.MAPPER.readTree(json);
      List<String> keys = new ArrayList<>();
      JsonNode tk = n.get("transitiveTagKeys");
      if (tk != null) {
        tk.forEach(k -> keys.add(k.asText()));
      }
      return new SessionData(
          n.path("roleId").asText(),
          n.path("sessionName").asText(),
          Optional.ofNullable(n.get("sessionPolicy")).map(JsonNode::asText),
          n.path("chained").asBoolean(false),
          keys,
          Optional.ofNullable(n.get("sourceIdentity")).map(JsonNode::asText));
    } catch (IOException e) {
      throw new IllegalStateException("corrupt session data", e);
    }
  }
}
