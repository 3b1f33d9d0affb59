package io.podidentity.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP/1.1 layer on its own, with raw bytes: what real clients do not send. */
class MiniHttpServerTest {
  private MiniHttpServer server;

  @BeforeEach
  void start() throws IOException {
    server =
        MiniHttpServer.start(
            "test",
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            List.of(
                new MiniHttpServer.Route(
                    "/hello",
                    r ->
                        new MiniHttpServer.Response(
                            200,
                            MiniHttpServer.JSON,
                            ("{\"auth\":\"" + r.authorization() + "\"}")
                                .getBytes(StandardCharsets.UTF_8)))),
            64 * 1024);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Sends {@code request}, half-closes, and reads everything until the server closes. */
  private String exchange(String request) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      return all.toString(StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void keepAliveAnswersPipelinedRequestsInOrder() throws IOException {
    String r =
        exchange(
            "GET /hello HTTP/1.1\r\nHost: h\r\nAuthorization: a\r\n\r\n"
                + "GET /hello?x=1 HTTP/1.1\r\nHost: h\r\nAuthorization: b\r\n\r\n");

    assertThat(r.split("HTTP/1.1 200 OK", -1)).hasSize(3);
    assertThat(r.indexOf("{\"auth\":\"a\"}")).isLessThan(r.indexOf("{\"auth\":\"b\"}"));
    assertThat(r).doesNotContain("Connection: close");
  }

  @Test
  void connectionCloseIsHonoured() throws IOException {
    String r =
        exchange(
            "GET /hello HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
                + "GET /hello HTTP/1.1\r\nHost: h\r\n\r\n");

    assertThat(r.split("HTTP/1.1 200 OK", -1)).hasSize(2);
    assertThat(r).contains("Connection: close");
  }

  @Test
  void http10ClosesUnlessKeepAliveIsAsked() throws IOException {
    assertThat(exchange("GET /hello HTTP/1.0\r\n\r\nGET /hello HTTP/1.0\r\n\r\n"))
        .startsWith("HTTP/1.1 200 OK")
        .contains("Connection: close")
        .containsOnlyOnce("HTTP/1.1 200");
    assertThat(
            exchange(
                "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /hello HTTP/1.0\r\n\r\n"))
        .contains("Connection: keep-alive")
        .contains("Connection: close");
  }

  @Test
  void headAnswersHeadersOnly() throws IOException {
    String r = exchange("HEAD /hello HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");

    assertThat(r) // the body would be {"auth":"null"}
        .startsWith("HTTP/1.1 200 OK")
        .contains("Content-Length: 15")
        .endsWith("\r\n\r\n");
  }

  @Test
  void aRequestBodyIsRefusedAndTheConnectionClosed() throws IOException {
    assertThat(exchange("GET /hello HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"))
        .startsWith("HTTP/1.1 400 ")
        .contains("Connection: close")
        .containsOnlyOnce("HTTP/1.1");
    assertThat(
            exchange(
                "GET /hello HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))
        .startsWith("HTTP/1.1 400 ")
        .contains("\"code\":\"BadRequest\"");
  }

  @Test
  void anEmptyContentLengthIsNoBody() throws IOException {
    assertThat(
            exchange(
                "GET /hello HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 200 OK");
  }

  @Test
  void malformedRequestsAre400() throws IOException {
    for (String bad :
        List.of(
            "GARBAGE\r\n\r\n",
            "GET  /hello HTTP/1.1\r\n\r\n",
            "GET /hello HTTP/1.1\r\nHost : h\r\n\r\n",
            "GET /hello HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n",
            "GET /hello HTTP/1.1\r\nHost: h\r\nHost: i\r\n\r\n",
            "GET /hello HTTP/1.1\r\nX: a\rb\r\n\r\n",
            "GET /hello HTTP/1.1\r\nX: a\u0000b\r\n\r\n",
            "GET /hello HTTP/1.1\r\nContent-Length: x\r\n\r\n")) {
      assertThat(exchange(bad)).as(bad).startsWith("HTTP/1.1 400 ").contains("BadRequest");
    }
  }

  @Test
  void otherVersionsAre505() throws IOException {
    assertThat(exchange("GET /hello HTTP/2.0\r\n\r\n")).startsWith("HTTP/1.1 505 ");
  }

  @Test
  void aLongRequestLineIs414() throws IOException {
    assertThat(exchange("GET /" + "a".repeat(9000) + " HTTP/1.1\r\n\r\n"))
        .startsWith("HTTP/1.1 414 ");
  }

  @Test
  void headersOverTheHardLimitAre400EvenInOneWrite() throws IOException {
    assertThat(exchange("GET /hello HTTP/1.1\r\nX: " + "x".repeat(80 * 1024) + "\r\n\r\n"))
        .startsWith("HTTP/1.1 400 ");
  }

  @Test
  void tooManyHeaderFieldsAre400() throws IOException {
    assertThat(exchange("GET /hello HTTP/1.1\r\n" + "X: y\r\n".repeat(101) + "\r\n"))
        .startsWith("HTTP/1.1 400 ");
  }

  @Test
  void otherMethodsAre405AndOtherPaths404() throws IOException {
    assertThat(exchange("DELETE /hello HTTP/1.1\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 405 ")
        .contains("Allow: GET, HEAD");
    assertThat(exchange("GET /hello/ HTTP/1.1\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 404 ");
  }
}
