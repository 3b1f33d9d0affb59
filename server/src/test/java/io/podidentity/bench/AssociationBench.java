package io.podidentity.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.podidentity.http.Json;
import io.podidentity.testing.RawClient;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The association benchmark's driver (run by {@code bench/associations.sh}, never by the tests):
 * against a running server found through its data dir, it measures
 *
 * <ul>
 *   <li>the latency of {@code CreatePodIdentityAssociation}: N sequential SigV4-signed creates;
 *   <li>the time of a full {@code ListPodIdentityAssociations} of M associations in pages of 100;
 * </ul>
 *
 * and, as the reference measured in the same run with the same client, the same number of
 * sequential {@code GET /healthz} (unauthenticated, trivial) — so each figure is also a ratio.
 *
 * <p>Usage: {@code AssociationBench DATA_DIR [creates=1000] [listSize=5000] [listRuns=5]}.
 */
public final class AssociationBench {
  private static final String ROLE = "arn:aws:iam::111122223333:role/bench-role";

  private final RawClient client;

  private AssociationBench(RawClient client) {
    this.client = client;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: AssociationBench DATA_DIR [creates] [listSize] [listRuns]");
      System.exit(2);
    }
    Path dataDir = Path.of(args[0]);
    int creates = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int listSize = args.length > 2 ? Integer.parseInt(args[2]) : 5000;
    int listRuns = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    Map<String, Map<String, String>> creds = ini(dataDir.resolve("credentials"));
    Map<String, Map<String, String>> config = ini(dataDir.resolve("config"));
    URI endpoint = URI.create(config.get("profile podidentity").get("endpoint_url"));
    RawClient client =
        new RawClient(
            endpoint,
            creds.get("podidentity").get("aws_access_key_id"),
            creds.get("podidentity").get("aws_secret_access_key"));
    System.out.printf(
        Locale.ROOT,
        "server %s; client: java.net.http, one connection, sequential requests%n",
        endpoint);
    new AssociationBench(client).run(creates, listSize, listRuns);
  }

  private void run(int creates, int listSize, int listRuns) throws Exception {
    registerCluster("warm");
    registerCluster("bench");
    registerCluster("big");

    // Warm-up: JIT, connection, SQLite page cache.
    for (int i = 0; i < 300; i++) {
      create("warm", "w" + i);
      healthz();
    }

    long[] health = new long[creates];
    long[] create = new long[creates];
    // Interleaved, so both see the same machine state (the machine is shared).
    for (int i = 0; i < creates; i++) {
      health[i] = timed(this::healthz);
      int n = i;
      create[i] = timed(() -> create("bench", "sa-" + n));
    }
    Arrays.sort(health);
    Arrays.sort(create);
    System.out.printf(
        Locale.ROOT,
        "CreatePodIdentityAssociation  n=%d  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms%n",
        creates,
        ms(pct(create, 50)),
        ms(pct(create, 90)),
        ms(pct(create, 99)),
        ms(create[creates - 1]));
    System.out.printf(
        Locale.ROOT,
        "GET /healthz (reference)      n=%d  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms%n",
        creates,
        ms(pct(health, 50)),
        ms(pct(health, 90)),
        ms(pct(health, 99)),
        ms(health[creates - 1]));
    System.out.printf(
        Locale.ROOT,
        "  ratio create/healthz: p50 %.1fx  p99 %.1fx%n",
        (double) pct(create, 50) / pct(health, 50),
        (double) pct(create, 99) / pct(health, 99));

    long t0 = System.nanoTime();
    fill("big", listSize);
    System.out.printf(
        Locale.ROOT,
        "(set-up: %d associations created in %.1f s with 4 client threads)%n",
        listSize,
        (System.nanoTime() - t0) / 1e9);

    int pages = (listSize + 99) / 100;
    listAll("big", listSize); // warm-up
    long[] list = new long[listRuns];
    long[] healthRef = new long[listRuns];
    for (int r = 0; r < listRuns; r++) {
      healthRef[r] =
          timed(
              () -> {
                for (int p = 0; p < pages; p++) {
                  healthz();
                }
              });
      list[r] = timed(() -> listAll("big", listSize));
    }
    Arrays.sort(list);
    Arrays.sort(healthRef);
    System.out.printf(
        Locale.ROOT,
        "Full List of %d (%d pages of 100)  median %.1f ms  min %.1f ms  max %.1f ms  over %d runs"
            + "  (%.2f ms a page)%n",
        listSize,
        pages,
        ms(list[listRuns / 2]),
        ms(list[0]),
        ms(list[listRuns - 1]),
        listRuns,
        ms(list[listRuns / 2]) / pages);
    System.out.printf(
        Locale.ROOT,
        "%d x GET /healthz (reference)  median %.1f ms  min %.1f ms%n",
        pages,
        ms(healthRef[listRuns / 2]),
        ms(healthRef[0]));
    System.out.printf(
        Locale.ROOT,
        "  ratio list/healthz: median %.1fx%n",
        (double) list[listRuns / 2] / healthRef[listRuns / 2]);
  }

  private interface Step {
    void run() throws Exception;
  }

  private static long timed(Step s) throws Exception {
    long t = System.nanoTime();
    s.run();
    return System.nanoTime() - t;
  }

  private static long pct(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private void registerCluster(String name) {
    expect(
        client.signed(
            "POST",
            "/podidentity/v1/clusters",
            "{\"name\":\""
                + name
                + "\",\"issuer\":\"https://bench.test/"
                + name
                + "\",\"jwks\":{\"keys\":[]}}",
            "eks"),
        "register cluster " + name);
  }

  private void create(String cluster, String sa) {
    expect(
        client.signed(
            "POST",
            "/clusters/" + cluster + "/pod-identity-associations",
            "{\"namespace\":\"bench\",\"serviceAccount\":\""
                + sa
                + "\",\"roleArn\":\""
                + ROLE
                + "\"}",
            "eks"),
        "create " + sa);
  }

  private void healthz() {
    expect(client.unsigned("GET", "/healthz", null), "healthz");
  }

  private void fill(String cluster, int n) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int from = t;
        fs.add(
            pool.submit(
                () -> {
                  for (int i = from; i < n; i += 4) {
                    create(cluster, "sa-" + i);
                  }
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  /** Lists every association of the cluster, 100 a page; checks each id comes exactly once. */
  private void listAll(String cluster, int expected) throws IOException {
    Set<String> ids = new HashSet<>();
    String next = null;
    do {
      String q =
          "?maxResults=100"
              + (next == null
                  ? ""
                  : "&nextToken=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
      JsonNode page =
          Json.MAPPER.readTree(
              expect(
                  client.signed(
                      "GET",
                      "/clusters/" + cluster + "/pod-identity-associations" + q,
                      null,
                      "eks"),
                  "list"));
      for (JsonNode a : page.path("associations")) {
        if (!ids.add(a.path("associationId").asText())) {
          throw new IllegalStateException("duplicate id across pages");
        }
      }
      next = page.hasNonNull("nextToken") ? page.get("nextToken").asText() : null;
    } while (next != null);
    if (ids.size() != expected) {
      throw new IllegalStateException("listed " + ids.size() + ", expected " + expected);
    }
  }

  private static String expect(HttpResponse<String> r, String what) {
    if (r.statusCode() != 200) {
      throw new IllegalStateException(what + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  private static Map<String, Map<String, String>> ini(Path file) throws IOException {
    Map<String, Map<String, String>> out = new HashMap<>();
    Map<String, String> cur = null;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String l = line.strip();
      if (l.startsWith("[") && l.endsWith("]")) {
        cur = new HashMap<>();
        out.put(l.substring(1, l.length() - 1).strip(), cur);
      } else if (cur != null && l.contains("=") && !l.startsWith("#")) {
        int eq = l.indexOf('=');
        cur.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
      }
    }
    return out;
  }
}
