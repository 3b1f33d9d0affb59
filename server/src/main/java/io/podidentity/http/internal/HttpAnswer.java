package io.podidentity.http.internal;

import java.util.Map;
import java.util.Objects;

/** A complete HTTP response: status, content type, extra headers and body bytes. */
public record HttpAnswer(int status, String contentType, Map<String, String> headers, byte[] body) {
  public HttpAnswer {
    Objects.requireNonNull(contentType, "contentType");
    headers = Map.copyOf(headers);
    body = body == null ? new byte[0] : body;
  }
}
