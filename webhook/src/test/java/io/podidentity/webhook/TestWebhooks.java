package io.podidentity.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Starting a webhook on 127.0.0.1:0 and calling it over HTTPS, trusting only its CA bundle. */
final class TestWebhooks {
  static final ObjectMapper JSON = new ObjectMapper();

  private TestWebhooks() {}

  /** An in-memory association source, as {@code podidentity up} would supply. */
  static final class MapSource implements AssociationSource {
    final Map<String, Association> byKey = new ConcurrentHashMap<>();

    MapSource put(String ns, String sa, String id) {
      byKey.put(
          ns + "/" + sa,
          new Association(
              id,
              "arn:aws:eks:eu-west-1:111122223333:podidentityassociation/my-cluster/" + id,
              Optional.of("arn:aws:iam::111122223333:role/my-role")));
      return this;
    }

    @Override
    public Optional<Association> lookup(String namespace, String serviceAccount) {
      return Optional.ofNullable(byKey.get(namespace + "/" + serviceAccount));
    }
  }

  private static Path sharedPair;

  /**
   * A self-signed pair generated once per test JVM (keytool takes a second or more on a busy
   * machine) and copied into each test's directory; TlsReloadTest generates its own.
   */
  private static synchronized void copySharedPair(Path tlsDir) {
    try {
      if (sharedPair == null) {
        Path dir = java.nio.file.Files.createTempDirectory("webhook-test-tls");
        Webhook.start(
                WebhookConfig.builder("my-cluster")
                    .bindAddress("127.0.0.1")
                    .port(0)
                    .selfSignedTls(dir, java.util.List.of("podidentity-webhook.podidentity.svc"))
                    .build(),
                new MapSource())
            .close();
        sharedPair = dir;
      }
      java.nio.file.Files.createDirectories(tlsDir);
      for (String f : new String[] {"tls.crt", "tls.key"}) {
        if (!java.nio.file.Files.exists(tlsDir.resolve(f))) {
          java.nio.file.Files.copy(sharedPair.resolve(f), tlsDir.resolve(f));
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static WebhookConfig.Builder config(Path tlsDir) {
    copySharedPair(tlsDir);
    return WebhookConfig.builder("my-cluster")
        .region("eu-west-1")
        .bindAddress("127.0.0.1")
        .port(0)
        .selfSignedTls(tlsDir, java.util.List.of("podidentity-webhook.podidentity.svc"));
  }

  static RunningWebhook start(
      Path tlsDir, AssociationSource source, Consumer<WebhookConfig.Builder> c) throws Exception {
    WebhookConfig.Builder b = config(tlsDir);
    c.accept(b);
    return Webhook.start(b.build(), source);
  }

  static HttpClient client(String caPem) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      for (var cert :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)))) {
        ks.setCertificateEntry("ca" + i++, (X509Certificate) cert);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return HttpClient.newBuilder()
          .sslContext(ctx)
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<String> post(HttpClient client, URI uri, String contentType, byte[] body) {
    try {
      HttpRequest req =
          HttpRequest.newBuilder(uri)
              .timeout(Duration.ofSeconds(15))
              .header("Content-Type", contentType)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      return client.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<String> get(HttpClient client, URI uri) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode review(RunningWebhook webhook, HttpClient client, String reviewJson)
      throws IOException {
    HttpResponse<String> res =
        post(
            client,
            webhook.mutateUri(),
            "application/json",
            reviewJson.getBytes(StandardCharsets.UTF_8));
    if (res.statusCode() != 200) {
      throw new AssertionError("status " + res.statusCode() + ": " + res.body());
    }
    return JSON.readTree(res.body());
  }

  static String resource(String name) {
    try (var in = TestWebhooks.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A pod review for {@code ns}/{@code sa}, built from the seed fixture. */
  static String podReview(String ns, String sa) throws IOException {
    var review =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            JSON.readTree(resource("/golden/seed-deployment-pod.review.json"));
    var request = (com.fasterxml.jackson.databind.node.ObjectNode) review.get("request");
    request.put("namespace", ns);
    var spec = (com.fasterxml.jackson.databind.node.ObjectNode) request.get("object").get("spec");
    spec.put("serviceAccountName", sa);
    spec.put("serviceAccount", sa);
    return JSON.writeValueAsString(review);
  }
}
