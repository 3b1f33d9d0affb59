package io.podidentity.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Serving keys as openssl and cert-manager write them: PKCS#8, PKCS#1 RSA, SEC1 EC. */
class KeyFormatsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"rsa.crt, rsa-pkcs8.key", "rsa.crt, rsa-pkcs1.key", "ec.crt, ec-sec1.key"})
  void servesWithTheKey(String cert, String key) throws Exception {
    Path crt = dir.resolve("tls.crt");
    Path k = dir.resolve("tls.key");
    Files.writeString(crt, TestWebhooks.resource("/keys/" + cert), StandardCharsets.US_ASCII);
    Files.writeString(k, TestWebhooks.resource("/keys/" + key), StandardCharsets.US_ASCII);
    var tls = new WebhookConfig.TlsFiles(crt, k, Duration.ofSeconds(10), false, List.of());

    try (RunningWebhook webhook =
        TestWebhooks.start(dir, new TestWebhooks.MapSource(), b -> b.tls(tls))) {
      var res =
          TestWebhooks.get(
              TestWebhooks.client(TestWebhooks.resource("/keys/" + cert)),
              webhook.mutateUri().resolve("/healthz"));

      assertThat(res.statusCode()).isEqualTo(200);
    }
  }
}
