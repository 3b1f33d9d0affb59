package io.podidentity.http;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podidentity.api.ApiException;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;

/** The server's one JSON mapper, with limits, and helpers for rest-json bodies. */
public final class Json {
  /** Shared, thread-safe, with nesting and string limits so hostile bodies cannot blow up. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  static {
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(64)
                .maxStringLength(1 << 20)
                .maxNumberLength(64)
                .build());
  }

  private Json() {}

  /**
   * Parses a request body as a JSON object; an empty body is an empty object. Anything else is an
   * InvalidRequestException that says what is wrong without echoing the body.
   */
  public static ObjectNode parseObject(byte[] body) {
    if (body == null || body.length == 0) {
      return MAPPER.createObjectNode();
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (IOException e) {
      throw ApiException.invalidRequest(
          "The request body is not valid JSON: " + firstLine(e.getMessage()));
    }
    if (node == null || node.isMissingNode() || node.isNull()) {
      return MAPPER.createObjectNode();
    }
    if (!node.isObject()) {
      throw ApiException.invalidRequest("The request body must be a JSON object.");
    }
    return (ObjectNode) node;
  }

  /** Epoch seconds with millisecond precision, as the EKS API sends timestamps (1700862734.922). */
  public static BigDecimal epochSeconds(Instant t) {
    return BigDecimal.valueOf(t.toEpochMilli()).movePointLeft(3);
  }

  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise response", e);
    }
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "malformed";
    }
    int nl = m.indexOf('\n');
    String s = nl < 0 ? m : m.substring(0, nl);
    // Jackson quotes a fragment of the input in some messages; keep only its description.
    int src = s.indexOf(" at [Source");
    s = src < 0 ? s : s.substring(0, src);
    return s.length() > 200 ? s.substring(0, 200) : s;
  }
}
