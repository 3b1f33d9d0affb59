package io.podidentity.agent.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP/1.1 server: just what {@code /v1/credentials}, the probes and {@code /metrics}
 * need, strictly (RFC 9112). One {@link ServerSocket} per address, one virtual thread per
 * connection, blocking I/O, keep-alive.
 *
 * <ul>
 *   <li>{@code GET} and {@code HEAD} on exact paths (the query string is ignored); other paths 404,
 *       other methods 405, both with the agent's JSON error.
 *   <li>A request line over {@value #REQUEST_LINE_MAX} bytes is 414; headers over {@code
 *       hardHeaderBytes} bytes or more than {@value #HEADER_COUNT_MAX} header fields, malformed
 *       syntax, a second {@code Host}, an unknown HTTP version: 400 {@code BadRequest} (505 for an
 *       HTTP version other than 1.0 and 1.1). The connection is then closed.
 *   <li>No request has a body here: {@code Content-Length} above 0 or any {@code Transfer-Encoding}
 *       is 400 and the connection is closed (no body is ever read, so nothing can be smuggled).
 *   <li>Keep-alive per RFC 9112 §9.3: HTTP/1.1 unless {@code Connection: close}; HTTP/1.0 only with
 *       {@code Connection: keep-alive}.
 *   <li>A request must arrive in full within {@value #IDLE_TIMEOUT_MS} ms of the previous answer
 *       (or of the connection), and be answered within as long again (AWS's agent uses 30 s too),
 *       else the connection is closed: a slow or idle client cannot hold a thread. Reads and writes
 *       are untimed; a reaper closes connections past their deadline once a second. At most {@code
 *       maxConnections} connections per listener; further ones wait in the kernel's backlog.
 *   <li>Refusals are answered, then the connection is half-closed and what the client still sends
 *       is drained for a moment ("lingering close"), so that the client reads the answer rather
 *       than a reset.
 * </ul>
 */
public final class MiniHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MiniHttpServer.class);

  static final int REQUEST_LINE_MAX = 8192;
  static final int HEADER_COUNT_MAX = 100;
  static final int IDLE_TIMEOUT_MS = 30_000;
  static final int DEFAULT_MAX_CONNECTIONS = 4096;
  private static final int LINGER_MS = 1000;
  private static final int LINGER_MAX_BYTES = 1 << 20;
  private static final int INITIAL_BUFFER = 4096;

  /** The parts of a request the agent's handlers use. */
  public record Request(String host, String authorization, int headerBytes) {}

  /**
   * An answer: {@code headers} are complete pre-encoded header lines ({@code "Name: value\r\n"}
   * each, ISO-8859-1); {@code Date}, {@code Content-Length} and {@code Connection} are added here.
   */
  public record Response(int status, byte[] headers, byte[] body) {}

  /** A route's handler. It must not throw; anything it throws is answered 500. */
  @FunctionalInterface
  public interface Handler {
    Response handle(Request request);
  }

  /** An exact path and its handler. */
  public record Route(String path, Handler handler) {
    byte[] pathBytes() {
      return path.getBytes(StandardCharsets.ISO_8859_1);
    }
  }

  static final byte[] JSON = headerLine("Content-Type", "application/json");

  private final String name;
  private final ServerSocket server;
  private final byte[][] paths;
  private final Handler[] handlers;
  private final int hardHeaderBytes;
  private final Semaphore permits;
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private final Thread reaper;
  private volatile boolean closed;

  private MiniHttpServer(
      String name,
      ServerSocket server,
      List<Route> routes,
      int hardHeaderBytes,
      int maxConnections) {
    this.name = name;
    this.server = server;
    this.paths = new byte[routes.size()][];
    this.handlers = new Handler[routes.size()];
    for (int i = 0; i < routes.size(); i++) {
      paths[i] = routes.get(i).pathBytes();
      handlers[i] = routes.get(i).handler();
    }
    this.hardHeaderBytes = hardHeaderBytes;
    this.permits = new Semaphore(maxConnections);
    this.acceptor =
        Thread.ofPlatform().daemon().name("agent-" + name + "-accept").unstarted(this::acceptLoop);
    this.reaper = Thread.ofVirtual().name("agent-" + name + "-reaper").unstarted(this::reapLoop);
  }

  /**
   * Binds {@code address} and starts accepting.
   *
   * @throws IOException when the address cannot be bound (the JDK's {@code BindException} etc.)
   */
  public static MiniHttpServer start(
      String name, InetSocketAddress address, List<Route> routes, int hardHeaderBytes)
      throws IOException {
    return start(name, address, routes, hardHeaderBytes, DEFAULT_MAX_CONNECTIONS);
  }

  static MiniHttpServer start(
      String name,
      InetSocketAddress address,
      List<Route> routes,
      int hardHeaderBytes,
      int maxConnections)
      throws IOException {
    ServerSocket s = new ServerSocket();
    try {
      s.setReuseAddress(true);
      s.bind(address, 1024);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    MiniHttpServer m = new MiniHttpServer(name, s, routes, hardHeaderBytes, maxConnections);
    m.acceptor.start();
    m.reaper.start();
    return m;
  }

  public int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    Thread.Builder connections = Thread.ofVirtual().name("agent-" + name + "-conn");
    while (!closed) {
      try {
        permits.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        permits.release();
        if (!closed) {
          LOG.warn("{} listener: accept failed: {}", name, e.getMessage());
          pause();
        }
        continue;
      }
      Connection c;
      try {
        s.setTcpNoDelay(true);
        c = new Connection(s);
      } catch (IOException e) {
        closeQuietly(s);
        permits.release();
        continue;
      }
      open.add(c);
      if (closed) {
        c.closeSocket();
        open.remove(c);
        permits.release();
        return;
      }
      connections.start(() -> serve(c));
    }
  }

  private static void pause() {
    try {
      Thread.sleep(100); // e.g. out of file descriptors: do not spin
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void serve(Connection c) {
    try {
      c.run();
    } catch (IOException | RuntimeException e) {
      LOG.debug("{} connection ended: {}", name, e.toString());
    } finally {
      c.closeSocket();
      open.remove(c);
      permits.release();
    }
  }

  /**
   * Closes connections past their deadline, once a second: reads and writes themselves are untimed,
   * which spares a timer per blocking read on the hot path.
   */
  private void reapLoop() {
    while (!closed) {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (Connection c : open) {
        if (c.expired(now)) {
          LOG.debug("{} listener: closing a connection past its deadline", name);
          c.closeSocket();
        }
      }
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** Stops accepting and closes every connection. */
  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      LOG.debug("{} listener: close failed", name, e);
    }
    for (Connection c : open) {
      c.closeSocket();
    }
    reaper.interrupt();
    acceptor.interrupt(); // in case it waits for a connection permit
    try {
      acceptor.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A refusal answered by the server itself; the connection is closed after it. */
  private static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;

    Refusal(int status, String code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }
  }

  /** One connection's buffers and parse state; used by its one thread only. */
  private final class Connection {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private byte[] buf = new byte[INITIAL_BUFFER];
    private int pos;
    private int lim;
    private byte[] obuf = new byte[2048];
    private final Memo hostMemo = new Memo();
    private final Memo authorizationMemo = new Memo();

    /** System.nanoTime() after which the reaper closes this connection. */
    @SuppressWarnings("unused") // through DEADLINE
    private long deadline;

    // the current request
    private boolean head;
    private boolean get;
    private boolean http10;
    private int route;
    private String host;
    private String authorization;
    private int headerBytes;
    private int headerCount;
    private int connectionClose; // 0 none, 1 close, 2 keep-alive
    private long contentLength;
    private boolean transferEncoding;

    Connection(Socket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    void deadline(long nanos) {
      DEADLINE.setRelease(this, nanos);
    }

    boolean expired(long now) {
      return now - (long) DEADLINE.getAcquire(this) > 0;
    }

    void closeSocket() {
      closeQuietly(socket);
    }

    void run() throws IOException {
      while (!closed) {
        boolean started;
        // the next request must have arrived in full within the idle timeout
        deadline(System.nanoTime() + IDLE_TIMEOUT_MS * 1_000_000L);
        try {
          started = readHead();
        } catch (Refusal r) {
          refuse(r);
          return;
        }
        if (!started) {
          return; // the client closed between requests
        }
        // time for the handler (an upstream call on a miss) and for writing the answer
        deadline(System.nanoTime() + IDLE_TIMEOUT_MS * 1_000_000L);
        if (!respond()) {
          return;
        }
      }
    }

    /** Reads and parses one request head; false on a clean end of stream before it. */
    private boolean readHead() throws IOException, Refusal {
      if (pos > 0) {
        int left = lim - pos;
        if (left == 0 && buf.length > INITIAL_BUFFER) {
          buf = new byte[INITIAL_BUFFER]; // do not keep a large request's buffer
        } else if (left > 0) {
          System.arraycopy(buf, pos, buf, 0, left);
        }
        lim = left;
        pos = 0;
      }
      head = false;
      get = false;
      http10 = false;
      route = -1;
      host = null;
      authorization = null;
      headerBytes = 0;
      headerCount = 0;
      connectionClose = 0;
      contentLength = 0;
      transferEncoding = false;

      int scan = 0;
      int lineStart = 0;
      int headersStart = -1; // where the header section begins, once the request line is parsed
      int dropped = 0; // header-section bytes already moved out of the buffer
      while (true) {
        scanning:
        while (scan < lim) {
          if (scan + 8 <= lim && plain((long) LONG.get(buf, scan))) {
            scan += 8;
            continue;
          }
          byte b = buf[scan];
          if ((b & 0xff) >= 0x20 && b != 0x7f || b == '\t') {
            scan++;
            continue;
          }
          if (b == '\r') {
            if (scan + 1 == lim) {
              break scanning; // is it followed by LF? read on
            }
            if (buf[scan + 1] != '\n') {
              throw bad("CR without LF");
            }
            scan++;
            continue;
          }
          if (b != '\n') {
            throw bad("control character in the request head");
          }
          {
            int end = scan > lineStart && buf[scan - 1] == '\r' ? scan - 1 : scan;
            if (headersStart < 0) {
              if (end - lineStart > REQUEST_LINE_MAX) {
                throw uriTooLong();
              }
              if (end == lineStart) {
                // RFC 9112 §2.2: ignore empty lines before the request line
              } else {
                requestLine(lineStart, end);
                headersStart = scan + 1;
              }
            } else if (end == lineStart) {
              pos = scan + 1;
              return true;
            } else if (dropped + scan - headersStart > hardHeaderBytes) {
              throw tooLarge();
            } else {
              header(lineStart, end);
            }
            lineStart = scan + 1;
          }
          scan++;
        }
        if (headersStart < 0) {
          if (lim - lineStart > REQUEST_LINE_MAX) {
            throw uriTooLong();
          }
        } else if (dropped + lim - headersStart > hardHeaderBytes) {
          throw tooLarge();
        }
        if (lim == buf.length) {
          // keep only the line in progress; what came before it is parsed already
          if (headersStart >= 0) {
            dropped += lineStart - headersStart;
            headersStart = 0;
          }
          int kept = lim - lineStart;
          byte[] target = kept * 2 > buf.length ? new byte[buf.length * 2] : buf;
          System.arraycopy(buf, lineStart, target, 0, kept);
          buf = target;
          lim = kept;
          scan -= lineStart;
          lineStart = 0;
        }
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
          if (lim == 0 || isBlank(0, lim)) {
            return false;
          }
          throw new java.io.EOFException("end of stream inside a request head");
        }
        lim += n;
      }
    }

    private boolean isBlank(int from, int to) {
      for (int i = from; i < to; i++) {
        if (buf[i] != '\r' && buf[i] != '\n') {
          return false;
        }
      }
      return true;
    }

    private Refusal uriTooLong() {
      return new Refusal(
          414, "URITooLong", "The request line is longer than " + REQUEST_LINE_MAX + " bytes.");
    }

    private Refusal tooLarge() {
      return new Refusal(
          400,
          "BadRequest",
          "The request is not valid HTTP/1.1, or its headers exceed "
              + hardHeaderBytes
              + " bytes.");
    }

    private Refusal bad(String why) {
      return new Refusal(400, "BadRequest", "The request is not valid HTTP/1.1: " + why + ".");
    }

    private void requestLine(int from, int to) throws Refusal {
      int sp1 = -1;
      for (int i = from; i < to; i++) {
        byte b = buf[i];
        if (b == ' ') {
          sp1 = i;
          break;
        }
        if (!isTchar(b)) {
          throw bad("malformed method");
        }
      }
      if (sp1 <= from) {
        throw bad("malformed request line");
      }
      int sp2 = -1;
      for (int i = sp1 + 1; i < to; i++) {
        byte b = buf[i];
        if (b == ' ') {
          sp2 = i;
          break;
        }
        if (b < 0x21 || b > 0x7e) {
          throw bad("malformed request target");
        }
      }
      if (sp2 <= sp1 + 1) {
        throw bad("malformed request line");
      }
      if (to - sp2 - 1 != 8
          || buf[sp2 + 1] != 'H'
          || buf[sp2 + 2] != 'T'
          || buf[sp2 + 3] != 'T'
          || buf[sp2 + 4] != 'P'
          || buf[sp2 + 5] != '/'
          || !isDigit(buf[sp2 + 6])
          || buf[sp2 + 7] != '.'
          || !isDigit(buf[sp2 + 8])) {
        throw bad("malformed HTTP version");
      }
      if (buf[sp2 + 6] != '1' || (buf[sp2 + 8] != '1' && buf[sp2 + 8] != '0')) {
        throw new Refusal(
            505, "HTTPVersionNotSupported", "Only HTTP/1.1 and HTTP/1.0 are supported.");
      }
      http10 = buf[sp2 + 8] == '0';
      int mlen = sp1 - from;
      get = mlen == 3 && buf[from] == 'G' && buf[from + 1] == 'E' && buf[from + 2] == 'T';
      head =
          mlen == 4
              && buf[from] == 'H'
              && buf[from + 1] == 'E'
              && buf[from + 2] == 'A'
              && buf[from + 3] == 'D';
      int pathEnd = sp2;
      for (int i = sp1 + 1; i < sp2; i++) {
        if (buf[i] == '?' || buf[i] == '#') {
          pathEnd = i;
          break;
        }
      }
      route = -1;
      int plen = pathEnd - sp1 - 1;
      for (int r = 0; r < paths.length && route < 0; r++) {
        byte[] p = paths[r];
        if (p.length == plen && java.util.Arrays.equals(p, 0, plen, buf, sp1 + 1, pathEnd)) {
          route = r;
        }
      }
    }

    /** Header values were checked for control characters (other than HTAB) while scanning. */
    private void header(int from, int to) throws Refusal {
      if (++headerCount > HEADER_COUNT_MAX) {
        throw new Refusal(
            400, "BadRequest", "The request has more than " + HEADER_COUNT_MAX + " header fields.");
      }
      int colon = -1;
      for (int i = from; i < to; i++) {
        byte b = buf[i];
        if (b == ':') {
          colon = i;
          break;
        }
        if (!isTchar(b)) {
          // includes whitespace before the colon and obsolete line folding (RFC 9112 §5.1, §5.2)
          throw bad("malformed header field name");
        }
      }
      if (colon <= from) {
        throw bad("malformed header field");
      }
      int vs = colon + 1;
      int ve = to;
      while (vs < ve && (buf[vs] == ' ' || buf[vs] == '\t')) {
        vs++;
      }
      while (ve > vs && (buf[ve - 1] == ' ' || buf[ve - 1] == '\t')) {
        ve--;
      }
      int nlen = colon - from;
      headerBytes += nlen + 4 + (ve - vs);
      switch (nlen) {
        case 4 -> {
          if (nameIs(from, "host")) {
            if (host != null) {
              throw bad("more than one Host header");
            }
            host = hostMemo.get(buf, vs, ve);
          }
        }
        case 13 -> {
          if (authorization == null && nameIs(from, "authorization")) {
            authorization = authorizationMemo.get(buf, vs, ve);
          }
        }
        case 10 -> {
          if (nameIs(from, "connection")) {
            connection(vs, ve);
          }
        }
        case 14 -> {
          if (nameIs(from, "content-length")) {
            contentLength(vs, ve);
          }
        }
        case 17 -> {
          if (nameIs(from, "transfer-encoding")) {
            transferEncoding = true;
          }
        }
        default -> {}
      }
    }

    private void connection(int vs, int ve) {
      int i = vs;
      while (i < ve) {
        while (i < ve && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == ',')) {
          i++;
        }
        int s = i;
        while (i < ve && buf[i] != ',') {
          i++;
        }
        int e = i;
        while (e > s && (buf[e - 1] == ' ' || buf[e - 1] == '\t')) {
          e--;
        }
        if (e - s == 5 && equalsIgnoreCase(s, "close")) {
          connectionClose = 1;
        } else if (e - s == 10 && equalsIgnoreCase(s, "keep-alive") && connectionClose == 0) {
          connectionClose = 2;
        }
      }
    }

    private void contentLength(int vs, int ve) throws Refusal {
      if (vs == ve || ve - vs > 18) {
        throw bad("invalid Content-Length");
      }
      long v = 0;
      for (int i = vs; i < ve; i++) {
        if (!isDigit(buf[i])) {
          throw bad("invalid Content-Length");
        }
        v = v * 10 + (buf[i] - '0');
      }
      if (contentLength != 0 && contentLength != v) {
        throw bad("conflicting Content-Length");
      }
      contentLength = v;
    }

    private boolean nameIs(int from, String lower) {
      return equalsIgnoreCase(from, lower);
    }

    private boolean equalsIgnoreCase(int from, String lower) {
      for (int i = 0; i < lower.length(); i++) {
        int b = buf[from + i];
        if (b >= 'A' && b <= 'Z') {
          b += 'a' - 'A';
        }
        if (b != lower.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    /** Answers the parsed request; false when the connection is to be closed. */
    private boolean respond() throws IOException {
      if (transferEncoding || contentLength > 0) {
        refuse(new Refusal(400, "BadRequest", "The agent accepts no request body."));
        return false;
      }
      boolean keepAlive = http10 ? connectionClose == 2 : connectionClose != 1;
      Response r;
      if (route < 0) {
        r = error(404, "NotFound", "No such path; the agent serves GET /v1/credentials.");
      } else if (!get && !head) {
        r =
            new Response(
                405,
                concat(headerLine("Allow", "GET, HEAD"), JSON),
                CredentialsHandler.errorBody("MethodNotAllowed", "Only GET and HEAD are allowed."));
      } else {
        try {
          r = handlers[route].handle(new Request(host, authorization, headerBytes));
        } catch (RuntimeException e) {
          LOG.error("{} listener: a handler failed", name, e);
          r = error(500, "InternalError", "The agent failed unexpectedly; see its log.");
        }
      }
      write(r, head, keepAlive);
      return keepAlive;
    }

    private void refuse(Refusal r) {
      LOG.debug("{} listener: refused a request: {} {}", name, r.status, r.getMessage());
      try {
        write(error(r.status, r.code, r.getMessage()), false, false);
        lingeringClose();
      } catch (IOException e) {
        LOG.debug("{} listener: the refused client went away: {}", name, e.toString());
      }
    }

    /** Half-closes, then reads and drops what the client still sends, briefly, before closing. */
    private void lingeringClose() throws IOException {
      socket.shutdownOutput();
      socket.setSoTimeout(LINGER_MS);
      deadline(System.nanoTime() + 2L * LINGER_MS * 1_000_000L);
      long until = System.nanoTime() + LINGER_MS * 1_000_000L;
      byte[] sink = buf.length >= 8192 ? buf : new byte[8192];
      int total = 0;
      try {
        int n;
        while (total < LINGER_MAX_BYTES
            && System.nanoTime() < until
            && (n = in.read(sink, 0, sink.length)) >= 0) {
          total += n;
        }
      } catch (SocketTimeoutException e) {
        // done lingering
      }
    }

    private void write(Response r, boolean headOnly, boolean keepAlive) throws IOException {
      byte[] status = statusLine(r.status());
      byte[] date = Dates.current();
      byte[] headers = r.headers();
      byte[] body = r.body();
      int n = 0;
      int need =
          status.length
              + date.length
              + headers.length
              + 64
              + (body.length <= 16384 ? body.length : 0);
      if (obuf.length < need) {
        obuf = new byte[Math.max(need, obuf.length * 2)];
      }
      byte[] o = obuf;
      System.arraycopy(status, 0, o, n, status.length);
      n += status.length;
      System.arraycopy(date, 0, o, n, date.length);
      n += date.length;
      System.arraycopy(headers, 0, o, n, headers.length);
      n += headers.length;
      System.arraycopy(CONTENT_LENGTH, 0, o, n, CONTENT_LENGTH.length);
      n += CONTENT_LENGTH.length;
      n = digits(o, n, body.length);
      if (!keepAlive) {
        System.arraycopy(CLOSE, 0, o, n, CLOSE.length);
        n += CLOSE.length;
      } else if (http10) {
        System.arraycopy(KEEP_ALIVE, 0, o, n, KEEP_ALIVE.length);
        n += KEEP_ALIVE.length;
      } else {
        o[n++] = '\r';
        o[n++] = '\n';
        o[n++] = '\r';
        o[n++] = '\n';
      }
      if (headOnly) {
        out.write(o, 0, n);
      } else if (body.length <= 16384) {
        System.arraycopy(body, 0, o, n, body.length);
        n += body.length;
        out.write(o, 0, n);
      } else {
        out.write(o, 0, n);
        out.write(body);
      }
      out.flush();
    }
  }

  private static final byte[] CONTENT_LENGTH =
      "Content-Length: ".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] CLOSE =
      "\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] KEEP_ALIVE =
      "\r\nConnection: keep-alive\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle DEADLINE;

  static {
    try {
      DEADLINE = MethodHandles.lookup().findVarHandle(Connection.class, "deadline", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * True when none of the 8 bytes of {@code w} is a control character (below 0x20, or 0x7f): the
   * usual "has a byte less than n" and "has a zero byte" word tricks, exact for the question
   * "any?".
   */
  private static boolean plain(long w) {
    long below = (w - 0x2020202020202020L) & ~w & 0x8080808080808080L;
    long x = w ^ 0x7f7f7f7f7f7f7f7fL;
    long del = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
    return (below | del) == 0;
  }

  /**
   * The last value of one header on one connection: a keep-alive client sends the same Host and
   * Authorization each time, and reusing the String (with its cached hash) spares copying and
   * hashing a 1 KiB token per request.
   */
  private static final class Memo {
    private static final int MAX = 8192;
    private byte[] bytes = new byte[0];
    private int len = -1;
    private String value;

    String get(byte[] buf, int from, int to) {
      int n = to - from;
      if (n == len && java.util.Arrays.equals(bytes, 0, n, buf, from, to)) {
        return value;
      }
      String v = new String(buf, from, n, StandardCharsets.ISO_8859_1);
      if (n <= MAX) {
        if (bytes.length < n) {
          bytes = new byte[n];
        }
        System.arraycopy(buf, from, bytes, 0, n);
        len = n;
        value = v;
      }
      return v;
    }
  }

  private static int digits(byte[] o, int n, int v) {
    if (v == 0) {
      o[n] = '0';
      return n + 1;
    }
    int len = 0;
    for (int x = v; x > 0; x /= 10) {
      len++;
    }
    for (int i = n + len - 1; i >= n; i--) {
      o[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    return n + len;
  }

  static Response error(int status, String code, String message) {
    return new Response(status, JSON, CredentialsHandler.errorBody(code, message));
  }

  /** {@code "Name: value\r\n"} in ISO-8859-1. */
  public static byte[] headerLine(String name, String value) {
    return (name + ": " + value + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The concatenation of pre-encoded header lines. */
  public static byte[] concat(byte[]... lines) {
    int n = 0;
    for (byte[] l : lines) {
      n += l.length;
    }
    byte[] all = new byte[n];
    int at = 0;
    for (byte[] l : lines) {
      System.arraycopy(l, 0, all, at, l.length);
      at += l.length;
    }
    return all;
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  /** RFC 9110 §5.6.2 token characters. */
  private static boolean isTchar(byte b) {
    if (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9') {
      return true;
    }
    return switch (b) {
      case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
      default -> false;
    };
  }

  private static final byte[][] STATUS_LINES = new byte[600][];

  static {
    int[] known = {200, 400, 403, 404, 405, 414, 429, 431, 500, 502, 503, 504, 505};
    for (int s : known) {
      STATUS_LINES[s] = buildStatusLine(s);
    }
  }

  private static byte[] statusLine(int status) {
    byte[] l = status >= 100 && status < 600 ? STATUS_LINES[status] : null;
    return l != null ? l : buildStatusLine(status);
  }

  private static byte[] buildStatusLine(int status) {
    return ("HTTP/1.1 " + status + " " + reason(status) + "\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 414 -> "URI Too Long";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      case 505 -> "HTTP Version Not Supported";
      default -> status < 300 ? "OK" : status < 500 ? "Client Error" : "Server Error";
    };
  }

  /** The {@code Date} header line (RFC 9110 §6.6.1), formatted at most once a second. */
  private static final class Dates {
    private record Stamp(long second, byte[] line) {}

    private static volatile Stamp current = new Stamp(Long.MIN_VALUE, new byte[0]);

    static byte[] current() {
      long now = System.currentTimeMillis() / 1000;
      Stamp s = current;
      if (s.second != now) {
        s =
            new Stamp(
                now,
                headerLine(
                    "Date",
                    DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        Instant.ofEpochSecond(now).atOffset(ZoneOffset.UTC))));
        current = s;
      }
      return s.line;
    }
  }
}
