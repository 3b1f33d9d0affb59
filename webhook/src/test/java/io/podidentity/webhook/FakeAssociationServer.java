package io.podidentity.webhook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A small real HTTP server speaking the two endpoints the webhook uses: ListPodIdentityAssociations
 * (paginated, with the namespace/serviceAccount filters) and the association change feed
 * (long-polled, with reset). Changes are published to the feed only when {@link #publish} is
 * called, so a test can make the feed lag behind the list.
 */
final class FakeAssociationServer implements AutoCloseable {
  record Assoc(String namespace, String serviceAccount, String id) {
    ObjectNode json(boolean withRole) {
      ObjectNode o = TestWebhooks.JSON.createObjectNode();
      o.put("clusterName", "my-cluster");
      o.put("namespace", namespace);
      o.put("serviceAccount", serviceAccount);
      o.put("associationId", id);
      o.put(
          "associationArn",
          "arn:aws:eks:eu-west-1:111122223333:podidentityassociation/my-cluster/" + id);
      if (withRole) {
        o.put("roleArn", "arn:aws:iam::111122223333:role/r-" + id);
      }
      return o;
    }
  }

  private record Change(long seq, String op, Assoc assoc) {}

  final int pageSize;
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  final List<String> paths = new CopyOnWriteArrayList<>();
  private final Map<String, Assoc> assocs = new LinkedHashMap<>();
  private final List<Change> changes = new ArrayList<>();
  private long seq;
  private long resetBefore; // after < resetBefore answers reset
  private final HttpServer server;

  FakeAssociationServer(int pageSize) throws IOException {
    this.pageSize = pageSize;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Adds or replaces an association in the list, without telling the feed. */
  synchronized void putQuietly(String ns, String sa, String id) {
    assocs.put(ns + "/" + sa, new Assoc(ns, sa, id));
  }

  /** Adds or replaces an association and publishes the change. */
  synchronized void put(String ns, String sa, String id) {
    putQuietly(ns, sa, id);
    changes.add(new Change(++seq, "UPSERT", assocs.get(ns + "/" + sa)));
    notifyAll();
  }

  synchronized void delete(String ns, String sa) {
    Assoc a = assocs.remove(ns + "/" + sa);
    changes.add(new Change(++seq, "DELETE", a));
    notifyAll();
  }

  /** Forgets the history (as a restarted server would): every caller gets reset:true. */
  synchronized void forgetHistory() {
    changes.clear();
    resetBefore = ++seq;
    notifyAll();
  }

  synchronized long seq() {
    return seq;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
      String path = ex.getRequestURI().getRawPath();
      paths.add(path + "?" + ex.getRequestURI().getRawQuery());
      Map<String, String> q = query(ex.getRequestURI().getRawQuery());
      ObjectNode body;
      if (path.equals("/clusters/my-cluster/pod-identity-associations")) {
        body = list(q);
      } else if (path.equals("/podidentity/v1/clusters/my-cluster/association-changes")) {
        body = changes(q);
      } else {
        byte[] b =
            "{\"__type\":\"ResourceNotFoundException\",\"message\":\"No cluster found\"}"
                .getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("x-amzn-ErrorType", "ResourceNotFoundException");
        ex.sendResponseHeaders(404, b.length);
        ex.getResponseBody().write(b);
        return;
      }
      byte[] b = TestWebhooks.JSON.writeValueAsBytes(body);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized ObjectNode list(Map<String, String> q) {
    List<Assoc> matching = new ArrayList<>();
    for (Assoc a : assocs.values()) {
      if ((!q.containsKey("namespace") || q.get("namespace").equals(a.namespace()))
          && (!q.containsKey("serviceAccount")
              || q.get("serviceAccount").equals(a.serviceAccount()))) {
        matching.add(a);
      }
    }
    int from = q.containsKey("nextToken") ? Integer.parseInt(q.get("nextToken").substring(4)) : 0;
    int to =
        Math.min(
            matching.size(),
            from + Math.min(pageSize, Integer.parseInt(q.getOrDefault("maxResults", "100"))));
    ObjectNode out = TestWebhooks.JSON.createObjectNode();
    ArrayNode arr = out.putArray("associations");
    for (Assoc a : matching.subList(from, to)) {
      arr.add(a.json(false)); // summaries carry no roleArn, like EKS
    }
    if (to < matching.size()) {
      out.put("nextToken", "tok/" + to); // a '/' to check the token is encoded
    }
    return out;
  }

  private synchronized ObjectNode changes(Map<String, String> q) throws InterruptedException {
    long after = Long.parseLong(q.getOrDefault("after", "0"));
    long wait = Long.parseLong(q.getOrDefault("waitSeconds", "0"));
    long deadline = System.currentTimeMillis() + wait * 1000;
    while (seq <= after && after >= resetBefore && System.currentTimeMillis() < deadline) {
      wait(Math.max(1, deadline - System.currentTimeMillis()));
    }
    ObjectNode out = TestWebhooks.JSON.createObjectNode();
    ArrayNode arr = out.putArray("changes");
    out.put("latestSeq", seq);
    out.put("reset", after < resetBefore);
    if (after >= resetBefore) {
      for (Change c : changes) {
        if (c.seq() > after) {
          ObjectNode o = arr.addObject();
          o.put("seq", c.seq());
          o.put("op", c.op());
          o.set("association", c.assoc().json(true));
        }
      }
    }
    return out;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw != null) {
      for (String p : raw.split("&")) {
        int eq = p.indexOf('=');
        if (eq > 0) {
          out.put(
              URLDecoder.decode(p.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    synchronized (this) {
      notifyAll();
    }
  }
}
