package io.podidentity.iam.internal;

import io.podidentity.http.internal.QueryXml;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Builds a Query protocol response document: {@code <ActionResponse xmlns=NS><ActionResult>…
 * </ActionResult><ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></ActionResponse>}.
 */
public final class Xml {
  private final StringBuilder sb = new StringBuilder(512);
  private final String action;
  private final String requestId;
  private boolean resultOpen;

  private Xml(String action, String namespace, String requestId) {
    this.action = action;
    this.requestId = requestId;
    sb.append("<").append(action).append("Response xmlns=\"").append(namespace).append("\">\n");
  }

  /** A response with a {@code <ActionResult>} element. */
  public static Xml result(String action, String namespace, String requestId) {
    Xml x = new Xml(action, namespace, requestId);
    x.sb.append("<").append(action).append("Result>\n");
    x.resultOpen = true;
    return x;
  }

  /** A response with only ResponseMetadata (DeleteRole, PutRolePolicy, …). */
  public static Xml empty(String action, String namespace, String requestId) {
    return new Xml(action, namespace, requestId);
  }

  public Xml open(String name) {
    sb.append('<').append(name).append(">\n");
    return this;
  }

  public Xml close(String name) {
    sb.append("</").append(name).append(">\n");
    return this;
  }

  public Xml text(String name, String value) {
    if (value != null) {
      sb.append('<')
          .append(name)
          .append('>')
          .append(QueryXml.escape(value))
          .append("</")
          .append(name)
          .append(">\n");
    }
    return this;
  }

  public Xml text(String name, long value) {
    return text(name, Long.toString(value));
  }

  public Xml bool(String name, boolean value) {
    return text(name, Boolean.toString(value));
  }

  public Xml time(String name, Instant t) {
    return text(name, iso(t));
  }

  /** An empty element, e.g. {@code <MissingContextValues/>}. */
  public Xml emptyElement(String name) {
    sb.append('<').append(name).append("/>\n");
    return this;
  }

  public String done() {
    if (resultOpen) {
      sb.append("</").append(action).append("Result>\n");
    }
    sb.append("<ResponseMetadata>\n<RequestId>")
        .append(requestId)
        .append("</RequestId>\n</ResponseMetadata>\n</")
        .append(action)
        .append("Response>\n");
    return sb.toString();
  }

  /** ISO 8601 in UTC with seconds, as IAM and STS write timestamps. */
  public static String iso(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /**
   * A policy document as IAM returns it: percent-encoded (RFC 3986, spaces as %20), which botocore
   * and the CLI decode and the SDKs hand back as is (IAM API Reference, GetRolePolicy: "The policy
   * document returned in this structure is URL-encoded compliant with RFC 3986").
   */
  public static String urlEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8)
        .replace("+", "%20")
        .replace("*", "%2A")
        .replace("%7E", "~");
  }
}
