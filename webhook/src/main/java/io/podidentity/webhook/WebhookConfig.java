package io.podidentity.webhook;

import io.podidentity.sigv4.SigV4Signer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything the webhook needs, parsed and validated once. Errors are {@link
 * IllegalArgumentException}s naming the field and the bad value.
 *
 * @param clusterName the cluster whose associations decide which pods are mutated
 * @param server how to reach the podidentity server; empty when the caller supplies its own {@link
 *     AssociationSource} (in-process in {@code podidentity up})
 * @param region injected as {@code AWS_DEFAULT_REGION} and {@code AWS_REGION} when present
 * @param credentialsFullUri injected as {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}: {@link
 *     #IPV4_FULL_URI} (default) or {@link #IPV6_FULL_URI}
 * @param stsRegionalEndpoints inject {@code AWS_STS_REGIONAL_ENDPOINTS=regional} (EKS does)
 * @param tokenExpirationSeconds the projected token's lifetime unless the pod's {@code
 *     eks.amazonaws.com/token-expiration} annotation says otherwise; 600..2^32, default 86400
 * @param failurePolicy what to answer when the association source is unavailable
 * @param tls serving certificate files, reloaded when they change
 * @param bindAddress the address to listen on
 * @param port the HTTPS port ({@code /mutate}, {@code /healthz}, {@code /readyz}, {@code
 *     /metrics}); 0 picks a free one
 * @param metricsPort an extra plain-HTTP port for {@code /metrics} and probes; empty: none
 * @param maxRequestBytes the largest AdmissionReview accepted (413 beyond)
 * @param serverTimeout timeout of one read-through call to the server
 * @param negativeCacheTtl how long a "no association" answer from the server is reused; zero
 *     disables. Any change for that pair in the change feed drops it earlier.
 */
public record WebhookConfig(
    String clusterName,
    Optional<ServerConnection> server,
    Optional<String> region,
    URI credentialsFullUri,
    boolean stsRegionalEndpoints,
    long tokenExpirationSeconds,
    FailurePolicy failurePolicy,
    TlsFiles tls,
    String bindAddress,
    int port,
    Optional<Integer> metricsPort,
    int maxRequestBytes,
    Duration serverTimeout,
    Duration negativeCacheTtl) {

  public static final URI IPV4_FULL_URI = URI.create("http://169.254.170.23/v1/credentials");
  public static final URI IPV6_FULL_URI = URI.create("http://[fd00:ec2::23]/v1/credentials");
  public static final long DEFAULT_TOKEN_EXPIRATION = 86400;
  public static final int DEFAULT_MAX_REQUEST_BYTES = 6 * 1024 * 1024;

  private static final Pattern CLUSTER = Pattern.compile("[0-9A-Za-z][A-Za-z0-9\\-_]{0,99}");
  private static final Pattern REGION = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  /** What to do with a pod when the association source cannot answer. */
  public enum FailurePolicy {
    /** Admit the pod unmutated (counted and logged). The default, like failurePolicy Ignore. */
    OPEN,
    /** Refuse the pod with a status message saying why. */
    CLOSED
  }

  /**
   * The server endpoint and the credentials the webhook signs its calls with (SigV4, service {@code
   * eks}, {@code signingRegion}).
   */
  public record ServerConnection(
      URI endpoint, SigV4Signer.Credentials credentials, String signingRegion) {
    public ServerConnection {
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(credentials, "credentials");
      Objects.requireNonNull(signingRegion, "signingRegion");
      String scheme = endpoint.getScheme();
      if (!("http".equals(scheme) || "https".equals(scheme)) || endpoint.getHost() == null) {
        throw bad("server.endpoint", endpoint, "must be an http(s) URL with a host");
      }
      if (credentials.accessKeyId().isBlank() || credentials.secretAccessKey().isBlank()) {
        throw new IllegalArgumentException(
            "webhook config: server.credentials: access key id and secret must not be empty");
      }
      if (signingRegion.isBlank()) {
        throw bad("server.signingRegion", signingRegion, "must not be empty");
      }
    }
  }

  /**
   * The serving certificate chain and key (PEM; PKCS#8, PKCS#1 RSA or SEC1 EC keys), re-read every
   * {@code reloadInterval} and swapped in when their content changes. With {@code
   * generateSelfSigned}, missing files are first created as a self-signed pair for {@code dnsNames}
   * plus 127.0.0.1 and localhost; the certificate file is then also the CA bundle.
   */
  public record TlsFiles(
      Path certFile,
      Path keyFile,
      Duration reloadInterval,
      boolean generateSelfSigned,
      List<String> dnsNames) {
    public TlsFiles {
      Objects.requireNonNull(certFile, "certFile");
      Objects.requireNonNull(keyFile, "keyFile");
      Objects.requireNonNull(reloadInterval, "reloadInterval");
      dnsNames = List.copyOf(dnsNames);
      if (certFile.equals(keyFile)) {
        throw bad("tls.keyFile", keyFile, "must differ from tls.certFile");
      }
      if (reloadInterval.isNegative() || reloadInterval.isZero()) {
        throw bad("tls.reloadInterval", reloadInterval, "must be positive");
      }
      for (String d : dnsNames) {
        if (!d.matches("[a-z0-9*]([-a-z0-9.]*[a-z0-9])?")) {
          throw bad("tls.dnsNames", d, "is not a DNS name");
        }
      }
    }
  }

  public WebhookConfig {
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(credentialsFullUri, "credentialsFullUri");
    Objects.requireNonNull(failurePolicy, "failurePolicy");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(metricsPort, "metricsPort");
    Objects.requireNonNull(serverTimeout, "serverTimeout");
    Objects.requireNonNull(negativeCacheTtl, "negativeCacheTtl");
    if (!CLUSTER.matcher(clusterName).matches()) {
      throw bad("clusterName", clusterName, "must match [0-9A-Za-z][A-Za-z0-9-_]* (1-100)");
    }
    if (region.isPresent()
        && (region.get().length() > 32 || !REGION.matcher(region.get()).matches())) {
      throw bad("region", region.get(), "is not a region name (e.g. us-east-1)");
    }
    if (!"http".equals(credentialsFullUri.getScheme())
            && !"https".equals(credentialsFullUri.getScheme())
        || credentialsFullUri.getHost() == null) {
      throw bad("credentialsFullUri", credentialsFullUri, "must be an http(s) URL with a host");
    }
    if (tokenExpirationSeconds < 600 || tokenExpirationSeconds > (1L << 32)) {
      throw bad("tokenExpirationSeconds", tokenExpirationSeconds, "must be 600..4294967296");
    }
    if (bindAddress.isBlank()) {
      throw bad("bindAddress", bindAddress, "must not be empty");
    }
    checkPort("port", port);
    metricsPort.ifPresent(p -> checkPort("metricsPort", p));
    if (maxRequestBytes < 1024 || maxRequestBytes > 64 * 1024 * 1024) {
      throw bad("maxRequestBytes", maxRequestBytes, "must be 1024..67108864");
    }
    if (serverTimeout.isNegative() || serverTimeout.isZero()) {
      throw bad("serverTimeout", serverTimeout, "must be positive");
    }
    if (negativeCacheTtl.isNegative()) {
      throw bad("negativeCacheTtl", negativeCacheTtl, "must not be negative");
    }
  }

  /**
   * The embedded default of {@code podidentity up}: https://127.0.0.1:{port}/mutate with a
   * self-signed pair in {@code <dataDir>/webhook/} ({@code tls.crt} is the CA bundle), injecting
   * {@code region}, no server connection (the caller passes its in-process source).
   */
  public static WebhookConfig local(Path dataDir, String clusterName, String region, int port) {
    return builder(clusterName)
        .region(region)
        .bindAddress("127.0.0.1")
        .port(port)
        .selfSignedTls(dataDir.resolve("webhook"), List.of())
        .build();
  }

  /** A builder with the defaults of a standalone webhook. */
  public static Builder builder(String clusterName) {
    return new Builder(clusterName);
  }

  private static void checkPort(String field, int port) {
    if (port < 0 || port > 65535) {
      throw bad(field, port, "must be 0..65535");
    }
  }

  private static IllegalArgumentException bad(String field, Object value, String why) {
    return new IllegalArgumentException("webhook config: " + field + " '" + value + "' " + why);
  }

  /** Builds a {@link WebhookConfig}; every setter has a default except TLS files. */
  public static final class Builder {
    private final String clusterName;
    private Optional<ServerConnection> server = Optional.empty();
    private Optional<String> region = Optional.empty();
    private URI credentialsFullUri = IPV4_FULL_URI;
    private boolean stsRegionalEndpoints = true;
    private long tokenExpirationSeconds = DEFAULT_TOKEN_EXPIRATION;
    private FailurePolicy failurePolicy = FailurePolicy.OPEN;
    private TlsFiles tls;
    private String bindAddress = "0.0.0.0";
    private int port = 8443;
    private Optional<Integer> metricsPort = Optional.empty();
    private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private Duration serverTimeout = Duration.ofSeconds(2);
    private Duration negativeCacheTtl = Duration.ofSeconds(1);

    private Builder(String clusterName) {
      this.clusterName = clusterName;
    }

    public Builder server(ServerConnection server) {
      this.server = Optional.of(server);
      return this;
    }

    public Builder region(String region) {
      this.region = Optional.ofNullable(region);
      return this;
    }

    public Builder credentialsFullUri(URI uri) {
      this.credentialsFullUri = uri;
      return this;
    }

    public Builder stsRegionalEndpoints(boolean on) {
      this.stsRegionalEndpoints = on;
      return this;
    }

    public Builder tokenExpirationSeconds(long seconds) {
      this.tokenExpirationSeconds = seconds;
      return this;
    }

    public Builder failurePolicy(FailurePolicy policy) {
      this.failurePolicy = policy;
      return this;
    }

    public Builder tls(TlsFiles tls) {
      this.tls = tls;
      return this;
    }

    /** Self-signed files in {@code dir} ({@code tls.crt}, {@code tls.key}), created if absent. */
    public Builder selfSignedTls(Path dir, List<String> dnsNames) {
      this.tls =
          new TlsFiles(
              dir.resolve("tls.crt"),
              dir.resolve("tls.key"),
              Duration.ofSeconds(10),
              true,
              dnsNames);
      return this;
    }

    public Builder bindAddress(String address) {
      this.bindAddress = address;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder metricsPort(Integer port) {
      this.metricsPort = Optional.ofNullable(port);
      return this;
    }

    public Builder maxRequestBytes(int bytes) {
      this.maxRequestBytes = bytes;
      return this;
    }

    public Builder serverTimeout(Duration timeout) {
      this.serverTimeout = timeout;
      return this;
    }

    public Builder negativeCacheTtl(Duration ttl) {
      this.negativeCacheTtl = ttl;
      return this;
    }

    public WebhookConfig build() {
      if (tls == null) {
        throw new IllegalArgumentException("webhook config: tls '' must be set");
      }
      return new WebhookConfig(
          clusterName,
          server,
          region,
          credentialsFullUri,
          stsRegionalEndpoints,
          tokenExpirationSeconds,
          failurePolicy,
          tls,
          bindAddress,
          port,
          metricsPort,
          maxRequestBytes,
          serverTimeout,
          negativeCacheTtl);
    }
  }
}
