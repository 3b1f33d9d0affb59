package io.podidentity.http.internal;

import io.podidentity.api.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The AWS Query protocol's error envelope (IAM, STS): the one place an {@link ApiException} becomes
 * an {@code <ErrorResponse>} document.
 */
public final class QueryXml {
  private QueryXml() {}

  public static HttpAnswer error(ApiException e, String xmlNamespace, String requestId) {
    String type = e.status() >= 500 ? "Receiver" : "Sender";
    String xml =
        "<ErrorResponse xmlns=\""
            + escape(xmlNamespace)
            + "\">\n  <Error>\n    <Type>"
            + type
            + "</Type>\n    <Code>"
            + escape(e.code())
            + "</Code>\n    <Message>"
            + escape(e.getMessage())
            + "</Message>\n  </Error>\n  <RequestId>"
            + requestId
            + "</RequestId>\n</ErrorResponse>\n";
    return new HttpAnswer(
        e.status(),
        "text/xml",
        Map.of("x-amzn-RequestId", requestId),
        xml.getBytes(StandardCharsets.UTF_8));
  }

  public static HttpAnswer ok(String xml, String requestId) {
    return new HttpAnswer(
        200,
        "text/xml",
        Map.of("x-amzn-RequestId", requestId),
        xml.getBytes(StandardCharsets.UTF_8));
  }

  /** XML-escapes text content and attribute values. */
  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&apos;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
            sb.append("&#x").append(Integer.toHexString(c)).append(';');
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }
}
