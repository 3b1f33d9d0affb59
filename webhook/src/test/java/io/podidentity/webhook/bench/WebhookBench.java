package io.podidentity.webhook.bench;

import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.podidentity.webhook.AssociationSource;
import io.podidentity.webhook.RunningWebhook;
import io.podidentity.webhook.Webhook;
import io.podidentity.webhook.WebhookConfig;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Load driver for bench/webhook-bench.sh: admissions per second and latency percentiles of the real
 * HTTPS webhook (in-process association source), against a reference measured in the same run — a
 * Helidon HTTPS endpoint on the same certificate that reads the same request body and answers a
 * fixed body of the same size (the TLS + HTTP floor on this machine).
 *
 * <p>Clients are keep-alive HTTP/1.1 connections over plain {@link SSLSocket}s, one platform thread
 * each (fairly scheduled by the OS, so client-side queueing does not inflate the tail), costing
 * little of the shared CPU. Usage: {@code WebhookBench REVIEW_JSON [connections] [warmupSeconds]
 * [seconds] [rate]}.
 */
public final class WebhookBench {
  private WebhookBench() {}

  record Result(
      double perSecond, double p50Ms, double p99Ms, double p999Ms, long errors, double cpuMicros) {
    String line(String name) {
      return String.format(
          Locale.ROOT,
          "%-10s %9.0f req/s   p50 %6.3f ms   p99 %7.3f ms   p99.9 %7.3f ms   cpu %5.1f us/req   errors %d",
          name,
          perSecond,
          p50Ms,
          p99Ms,
          p999Ms,
          cpuMicros,
          errors);
    }
  }

  public static void main(String[] args) throws Exception {
    byte[] review = Files.readAllBytes(Path.of(args[0]));
    int connections = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    int rate = args.length > 4 ? Integer.parseInt(args[4]) : 5000;
    Path tls = Files.createTempDirectory("webhook-bench");

    Map<String, AssociationSource.Association> assocs = new ConcurrentHashMap<>();
    for (int i = 0; i < 5000; i++) {
      String id = String.format(Locale.ROOT, "a-%017d", i);
      assocs.put(
          "ns" + (i % 50) + "/sa" + i,
          new AssociationSource.Association(id, "arn:" + id, Optional.empty()));
    }
    assocs.put(
        "default/my-service-account",
        new AssociationSource.Association("a-abcdefghijklmnop1", "arn:x", Optional.empty()));
    AssociationSource source = (ns, sa) -> Optional.ofNullable(assocs.get(ns + "/" + sa));

    WebhookConfig config =
        WebhookConfig.builder("bench")
            .region("eu-west-1")
            .bindAddress("127.0.0.1")
            .port(0)
            .selfSignedTls(tls, List.of())
            .build();
    try (RunningWebhook webhook = Webhook.start(config, source)) {
      SSLContext client = trusting(webhook.caBundlePem());
      byte[] sample = roundTrip(client, webhook.port(), "/mutate", review);
      if (!new String(sample, StandardCharsets.UTF_8).contains("\"patch\"")) {
        throw new IllegalStateException(
            "the review was not mutated: " + new String(sample, StandardCharsets.UTF_8));
      }
      WebServer reference = referenceServer(tls, sample.length);
      try {
        System.out.printf(
            Locale.ROOT,
            "webhook bench: %d keep-alive HTTPS connections, %d s warm-up, %d s measured, %d-byte review, %d-byte answer, %d cores%n",
            connections,
            warmup,
            seconds,
            review.length,
            sample.length,
            Runtime.getRuntime().availableProcessors());
        run(client, reference.port(), "/echo", review, connections, warmup); // warm-up
        Result ref = run(client, reference.port(), "/echo", review, connections, seconds);
        run(client, webhook.port(), "/mutate", review, connections, warmup); // warm-up
        Result hook = run(client, webhook.port(), "/mutate", review, connections, seconds);
        Result refAtRate =
            run(client, reference.port(), "/echo", review, connections, seconds, rate);
        Result hookAtRate =
            run(client, webhook.port(), "/mutate", review, connections, seconds, rate);
        System.out.println("closed loop (maximum throughput):");
        System.out.println(ref.line("reference"));
        System.out.println(hook.line("webhook"));
        System.out.printf(
            Locale.ROOT,
            "ratio webhook/reference: throughput %.2f, p99 %.2f, cpu/req %.2f%n",
            hook.perSecond() / ref.perSecond(),
            hook.p99Ms() / ref.p99Ms(),
            hook.cpuMicros() / ref.cpuMicros());
        System.out.printf(
            Locale.ROOT, "open loop at %d req/s (latency from the scheduled send time):%n", rate);
        System.out.println(refAtRate.line("reference"));
        System.out.println(hookAtRate.line("webhook"));
        System.out.printf(
            Locale.ROOT,
            "ratio webhook/reference: p99 %.2f%n",
            hookAtRate.p99Ms() / refAtRate.p99Ms());
        System.out.printf(
            Locale.ROOT,
            "targets: >= 5000 req/s %s (closed loop %.0f), p99 <= 5 ms at %d req/s %s (%.3f ms)%n",
            hook.perSecond() >= 5000 ? "met" : "NOT met",
            hook.perSecond(),
            rate,
            hookAtRate.p99Ms() <= 5 ? "met" : "NOT met",
            hookAtRate.p99Ms());
      } finally {
        reference.stop();
      }
    }
  }

  private static WebServer referenceServer(Path tls, int answerBytes) throws Exception {
    byte[] answer = new byte[answerBytes];
    Arrays.fill(answer, (byte) 'x');
    String key = Files.readString(tls.resolve("tls.key"));
    String cert = Files.readString(tls.resolve("tls.crt"));
    var keyPair =
        io.helidon.common.pki.Keys.builder()
            .pem(
                p ->
                    p.key(
                            io.helidon.common.configurable.Resource.create(
                                "key", key.getBytes(StandardCharsets.US_ASCII)))
                        .certChain(
                            io.helidon.common.configurable.Resource.create(
                                "cert", cert.getBytes(StandardCharsets.US_ASCII))))
            .build();
    return WebServer.builder()
        .address(InetAddress.getLoopbackAddress())
        .port(0)
        .shutdownHook(false)
        .tls(Tls.builder().privateKey(keyPair).privateKeyCertChain(keyPair).build())
        .routing(
            r ->
                r.post(
                    "/echo",
                    (req, res) -> {
                      try (InputStream in = req.content().inputStream()) {
                        in.readAllBytes();
                      }
                      res.header(HeaderNames.CONTENT_TYPE, "application/json");
                      res.send(answer);
                    }))
        .build()
        .start();
  }

  private static Result run(
      SSLContext ctx, int port, String path, byte[] body, int connections, int seconds)
      throws Exception {
    return run(ctx, port, path, body, connections, seconds, 0);
  }

  /**
   * {@code rate} 0: closed loop, each connection sends as soon as it has its answer (maximum
   * throughput). Otherwise open loop at {@code rate} requests/s in total: each request has a
   * scheduled send time and its latency is measured from then, so a stall also counts against the
   * requests that could not be sent during it (no coordinated omission).
   */
  private static Result run(
      SSLContext ctx, int port, String path, byte[] body, int connections, int seconds, int rate)
      throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong errors = new AtomicLong();
    long[][] perThread = new long[connections][];
    int[] counts = new int[connections];
    CountDownLatch done = new CountDownLatch(connections);
    byte[] request = request(port, path, body);
    for (int c = 0; c < connections; c++) {
      int idx = c;
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                try (SSLSocket s =
                    (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
                  s.setTcpNoDelay(true);
                  OutputStream out = s.getOutputStream();
                  InputStream in = new BufferedInputStream(s.getInputStream(), 16384);
                  int n = 0;
                  long[] lat = new long[16_384]; // grown by doubling: no large up-front heap
                  long interval = rate > 0 ? (long) connections * 1_000_000_000L / rate : 0;
                  long next = System.nanoTime() + (interval * idx) / connections;
                  while (!stop.get()) {
                    if (n == lat.length) {
                      lat = Arrays.copyOf(lat, n * 2);
                    }
                    long t0;
                    if (rate > 0) {
                      long wait = next - System.nanoTime();
                      if (wait > 0) {
                        LockSupport.parkNanos(wait);
                      }
                      t0 = next;
                      next += interval;
                    } else {
                      t0 = System.nanoTime();
                    }
                    out.write(request);
                    out.flush();
                    if (readResponse(in) != 200) {
                      errors.incrementAndGet();
                    }
                    lat[n++] = System.nanoTime() - t0;
                  }
                  counts[idx] = n;
                  perThread[idx] = lat;
                } catch (IOException e) {
                  errors.incrementAndGet();
                } finally {
                  done.countDown();
                }
              });
    }
    var os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    stop.set(true);
    done.await();
    double elapsed = (System.nanoTime() - start) / 1e9;
    long cpu = os.getProcessCpuTime() - cpu0;
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int p = 0;
    for (int c = 0; c < connections; c++) {
      if (perThread[c] != null) {
        System.arraycopy(perThread[c], 0, all, p, counts[c]);
      }
      p += counts[c];
    }
    Arrays.sort(all);
    return new Result(
        total / elapsed,
        pct(all, 0.50),
        pct(all, 0.99),
        pct(all, 0.999),
        errors.get(),
        total == 0 ? Double.NaN : cpu / 1e3 / total);
  }

  private static double pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }

  private static byte[] request(int port, String path, byte[] body) {
    String head =
        "POST "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: "
            + body.length
            + "\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(h, h.length + body.length);
    System.arraycopy(body, 0, out, h.length, body.length);
    return out;
  }

  /** Reads one response with a Content-Length body; returns the status. */
  private static int readResponse(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int status = -1;
    int length = 0;
    while (true) {
      line.setLength(0);
      int b;
      while ((b = in.read()) != '\n') {
        if (b < 0) {
          throw new IOException("connection closed");
        }
        if (b != '\r') {
          line.append((char) b);
        }
      }
      if (line.isEmpty()) {
        break;
      }
      if (status < 0) {
        status = Integer.parseInt(line.substring(9, 12));
      } else if (line.toString().regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    in.readNBytes(length);
    return status;
  }

  private static byte[] roundTrip(SSLContext ctx, int port, String path, byte[] body)
      throws IOException {
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.getOutputStream().write(request(port, path, body));
      InputStream in = new BufferedInputStream(s.getInputStream());
      StringBuilder head = new StringBuilder();
      int length = 0;
      String line;
      while (!(line = readLine(in)).isEmpty()) {
        head.append(line).append('\n');
        if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
          length = Integer.parseInt(line.substring(15).strip());
        }
      }
      return in.readNBytes(length);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int b;
    while ((b = in.read()) != '\n' && b >= 0) {
      if (b != '\r') {
        sb.append((char) b);
      }
    }
    return sb.toString();
  }

  private static SSLContext trusting(String pem) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry(
        "ca",
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
