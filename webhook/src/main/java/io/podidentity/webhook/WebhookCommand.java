package io.podidentity.webhook;

import io.podidentity.sigv4.SigV4Signer;
import io.podidentity.webhook.internal.SharedCredentials;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code podidentity webhook}: the mutating admission webhook as its own process, following a
 * podidentity server's associations for one cluster. Runs until SIGTERM/SIGINT.
 */
@Command(
    name = "webhook",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the EKS Pod Identity mutating admission webhook (HTTPS POST /mutate).",
      "Pods whose namespace and service account have an association in --cluster get the",
      "credentials env, the projected token volume and its mount, exactly as on EKS."
    })
public final class WebhookCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--cluster",
      defaultValue = "local",
      description = "Cluster name (default: ${DEFAULT-VALUE}).")
  String cluster;

  @Option(
      names = "--server",
      defaultValue = "http://127.0.0.1:7700",
      description = "podidentity server endpoint (default: ${DEFAULT-VALUE}).")
  String serverEndpoint;

  @Option(
      names = "--credentials-file",
      description =
          "AWS shared-credentials file to sign server calls with (default: <data-dir>/credentials if"
              + " present, else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN]).")
  Path credentialsFile;

  @Option(
      names = "--profile",
      defaultValue = "podidentity",
      description = "Profile in the credentials file (default: ${DEFAULT-VALUE}).")
  String profile;

  @Option(
      names = "--data-dir",
      defaultValue = "./.podidentity",
      description = "Data dir of a local server (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--signing-region",
      description = "SigV4 region of the server (default: --region, else us-east-1).")
  String signingRegion;

  @Option(
      names = "--region",
      description = "Inject AWS_REGION and AWS_DEFAULT_REGION with this region.")
  String region;

  @Option(
      names = "--ip-family",
      defaultValue = "ipv4",
      description =
          "Agent address injected as AWS_CONTAINER_CREDENTIALS_FULL_URI: ipv4 (169.254.170.23) or ipv6 (fd00:ec2::23) (default: ${DEFAULT-VALUE}).")
  String ipFamily;

  @Option(
      names = "--credentials-full-uri",
      description =
          "Inject this AWS_CONTAINER_CREDENTIALS_FULL_URI instead (overrides --ip-family).")
  URI fullUri;

  @Option(
      names = "--sts-regional-endpoints",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Inject AWS_STS_REGIONAL_ENDPOINTS=regional (default: ${DEFAULT-VALUE}).")
  boolean stsRegional;

  @Option(
      names = "--token-expiration",
      defaultValue = "86400",
      description =
          "Projected token lifetime in seconds, 600..4294967296 (default: ${DEFAULT-VALUE}).")
  long tokenExpiration;

  @Option(
      names = "--failure-policy",
      defaultValue = "open",
      description =
          "When the server cannot answer: open (admit unmutated) or closed (refuse the pod) (default: ${DEFAULT-VALUE}).")
  String failurePolicy;

  @Option(
      names = "--tls-cert-file",
      description = "PEM certificate chain (default: <tls-dir>/tls.crt).")
  Path tlsCert;

  @Option(names = "--tls-key-file", description = "PEM private key (default: <tls-dir>/tls.key).")
  Path tlsKey;

  @Option(
      names = "--tls-dir",
      defaultValue = "/etc/webhook/certs",
      description = "Directory of tls.crt and tls.key (default: ${DEFAULT-VALUE}).")
  Path tlsDir;

  @Option(
      names = "--tls-reload-interval",
      defaultValue = "10",
      description =
          "Seconds between checks of the TLS files for changes (default: ${DEFAULT-VALUE}).")
  long tlsReloadSeconds;

  @Option(
      names = "--self-signed",
      description =
          "Generate a self-signed pair into the TLS file paths if they do not exist (development).")
  boolean selfSigned;

  @Option(
      names = "--dns-name",
      description =
          "DNS name for the generated certificate, e.g. podidentity-webhook.podidentity.svc (repeatable).")
  List<String> dnsNames = new ArrayList<>();

  @Option(
      names = "--print-ca-bundle",
      description = "Print the base64 caBundle for the MutatingWebhookConfiguration once serving.")
  boolean printCaBundle;

  @Option(
      names = "--bind-address",
      defaultValue = "0.0.0.0",
      description = "Listen address (default: ${DEFAULT-VALUE}).")
  String bindAddress;

  @Option(
      names = "--port",
      defaultValue = "8443",
      description = "HTTPS port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--metrics-port",
      description = "Extra plain-HTTP port for /metrics, /healthz, /readyz.")
  Integer metricsPort;

  @Option(
      names = "--max-request-bytes",
      defaultValue = "6291456",
      description = "Largest AdmissionReview accepted (default: ${DEFAULT-VALUE}).")
  int maxRequestBytes;

  @Option(
      names = "--server-timeout-ms",
      defaultValue = "2000",
      description = "Timeout of a read-through call to the server (default: ${DEFAULT-VALUE}).")
  long serverTimeoutMs;

  @Option(
      names = "--negative-cache-ms",
      defaultValue = "1000",
      description =
          "How long a 'no association' answer from the server is reused; 0 disables (default: ${DEFAULT-VALUE}).")
  long negativeCacheMs;

  /** Parses the options into a {@link WebhookConfig}; errors name the option and the value. */
  WebhookConfig config() {
    try {
      URI full =
          fullUri != null
              ? fullUri
              : switch (ipFamily) {
                case "ipv4" -> WebhookConfig.IPV4_FULL_URI;
                case "ipv6" -> WebhookConfig.IPV6_FULL_URI;
                default ->
                    throw new IllegalArgumentException(
                        "--ip-family '" + ipFamily + "' must be ipv4 or ipv6");
              };
      WebhookConfig.FailurePolicy policy =
          switch (failurePolicy) {
            case "open" -> WebhookConfig.FailurePolicy.OPEN;
            case "closed" -> WebhookConfig.FailurePolicy.CLOSED;
            default ->
                throw new IllegalArgumentException(
                    "--failure-policy '" + failurePolicy + "' must be open or closed");
          };
      URI endpoint;
      try {
        endpoint = URI.create(serverEndpoint);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--server '" + serverEndpoint + "' is not a URL");
      }
      if (tlsReloadSeconds <= 0) {
        throw new IllegalArgumentException(
            "--tls-reload-interval '" + tlsReloadSeconds + "' must be positive");
      }
      WebhookConfig.TlsFiles tls =
          new WebhookConfig.TlsFiles(
              tlsCert != null ? tlsCert : tlsDir.resolve("tls.crt"),
              tlsKey != null ? tlsKey : tlsDir.resolve("tls.key"),
              Duration.ofSeconds(tlsReloadSeconds),
              selfSigned,
              dnsNames);
      String sigRegion =
          signingRegion != null ? signingRegion : region != null ? region : "us-east-1";
      return WebhookConfig.builder(cluster)
          .server(new WebhookConfig.ServerConnection(endpoint, credentials(), sigRegion))
          .region(region)
          .credentialsFullUri(full)
          .stsRegionalEndpoints(stsRegional)
          .tokenExpirationSeconds(tokenExpiration)
          .failurePolicy(policy)
          .tls(tls)
          .bindAddress(bindAddress)
          .port(port)
          .metricsPort(metricsPort)
          .maxRequestBytes(maxRequestBytes)
          .serverTimeout(Duration.ofMillis(serverTimeoutMs))
          .negativeCacheTtl(Duration.ofMillis(negativeCacheMs))
          .build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  private SigV4Signer.Credentials credentials() {
    Path file = credentialsFile;
    if (file == null && Files.isRegularFile(dataDir.resolve("credentials"))) {
      file = dataDir.resolve("credentials");
    }
    if (file != null) {
      try {
        return SharedCredentials.read(file, profile);
      } catch (IOException e) {
        throw new IllegalArgumentException("--credentials-file '" + file + "': " + e.getMessage());
      }
    }
    String id = System.getenv("AWS_ACCESS_KEY_ID");
    String secret = System.getenv("AWS_SECRET_ACCESS_KEY");
    if (id == null || secret == null || id.isBlank() || secret.isBlank()) {
      throw new IllegalArgumentException(
          "--credentials-file '' not given, no "
              + dataDir.resolve("credentials")
              + ", and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set");
    }
    return new SigV4Signer.Credentials(
        id,
        secret,
        Optional.ofNullable(System.getenv("AWS_SESSION_TOKEN")).filter(s -> !s.isBlank()));
  }

  @Override
  public Integer call() throws IOException, GeneralSecurityException, InterruptedException {
    WebhookConfig config = config();
    RunningWebhook running = Webhook.start(config);
    PrintWriter out = spec.commandLine().getOut();
    out.println("webhook: serving " + running.mutateUri());
    if (printCaBundle) {
      out.println(
          "caBundle: "
              + Base64.getEncoder()
                  .encodeToString(running.caBundlePem().getBytes(StandardCharsets.US_ASCII)));
    }
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  running.close();
                  stopped.countDown();
                },
                "webhook-shutdown"));
    stopped.await();
    return 0;
  }
}
