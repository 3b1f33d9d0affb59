package io.podidentity.agent;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node agent's configuration, parsed and validated once. Every error names the field and the
 * bad value.
 *
 * @param clusterName sent as {@code clusterName} to EKS Auth; 1..100 of {@code
 *     [0-9A-Za-z][A-Za-z0-9\-_]*}
 * @param endpoint the server's EKS Auth base URL (http or https), e.g. {@code http://10.0.0.5:7700}
 * @param region the SigV4 signing region
 * @param credentials where the agent's own signing credentials come from
 * @param listen the credential listeners (default {@code 169.254.170.23:80} and {@code
 *     [fd00:ec2::23]:80}); an IPv6 address that the host does not have is skipped with a warning
 *     when another address is bound, every other bind failure is fatal
 * @param allowedHosts the Host header values (port and brackets stripped, lower case) accepted on
 *     {@code /v1/credentials}; default: the listen hosts, plus {@code localhost}, {@code 127.0.0.1}
 *     and {@code ::1} when a listen host is a loopback address
 * @param probeAddress {@code /healthz} and {@code /readyz}; default {@code 127.0.0.1:2703}; empty
 *     disables the probe listener
 * @param metricsAddress {@code /metrics} (and the probes); default {@code 0.0.0.0:2705}; empty
 *     disables it
 * @param cacheSize the most tokens whose credentials are cached (LRU); 0 disables the cache
 * @param refreshBeforeExpiry cached credentials are refreshed in the background this long before
 *     they expire (at most {@code maxRetention} after they were fetched), minus jitter
 * @param maxRetention the longest credentials are served before a refresh is attempted
 * @param refreshRetry wait between background refresh attempts after a transient failure
 * @param upstreamRate overall EKS Auth calls per second (token bucket)
 * @param upstreamBurst overall bucket size
 * @param tokenRate EKS Auth calls per second for any one token
 * @param tokenBurst bucket size per token
 * @param upstreamConnectTimeout TCP/TLS connect timeout to the server
 * @param upstreamTimeout time limit of one EKS Auth call (one attempt)
 * @param upstreamAttempts attempts per fetch on transient failures (1 = no retry)
 * @param maxHeaderBytes the largest request header section accepted (431 above it)
 */
public record AgentConfig(
    String clusterName,
    URI endpoint,
    String region,
    AgentCredentials credentials,
    List<BindAddress> listen,
    Set<String> allowedHosts,
    Optional<BindAddress> probeAddress,
    Optional<BindAddress> metricsAddress,
    int cacheSize,
    Duration refreshBeforeExpiry,
    Duration maxRetention,
    Duration refreshRetry,
    double upstreamRate,
    int upstreamBurst,
    double tokenRate,
    int tokenBurst,
    Duration upstreamConnectTimeout,
    Duration upstreamTimeout,
    int upstreamAttempts,
    int maxHeaderBytes) {

  public static final BindAddress DEFAULT_IPV4 = new BindAddress("169.254.170.23", 80);
  public static final BindAddress DEFAULT_IPV6 = new BindAddress("fd00:ec2::23", 80);
  public static final BindAddress DEFAULT_PROBE = new BindAddress("127.0.0.1", 2703);
  public static final BindAddress DEFAULT_METRICS = new BindAddress("0.0.0.0", 2705);

  private static final Pattern CLUSTER_NAME = Pattern.compile("[0-9A-Za-z][A-Za-z0-9\\-_]*");
  private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1");

  public AgentConfig {
    requireField("clusterName", clusterName);
    if (clusterName.isEmpty()
        || clusterName.length() > 100
        || !CLUSTER_NAME.matcher(clusterName).matches()) {
      throw bad(
          "clusterName", clusterName, "must be 1..100 characters of [0-9A-Za-z][A-Za-z0-9-_]*");
    }
    requireField("endpoint", endpoint);
    String scheme =
        endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw bad("endpoint", endpoint.toString(), "must be an http:// or https:// URL");
    }
    if (endpoint.getHost() == null) {
      throw bad("endpoint", endpoint.toString(), "has no host");
    }
    if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
      throw bad("endpoint", endpoint.toString(), "must not have a query or fragment");
    }
    requireField("region", region);
    if (!REGION.matcher(region).matches()) {
      throw bad("region", region, "is not a region name like us-east-1");
    }
    requireField("credentials", credentials);
    requireField("listen", listen);
    if (listen.isEmpty()) {
      throw bad("listen", "[]", "needs at least one address");
    }
    listen = List.copyOf(listen);
    if (new LinkedHashSet<>(listen).size() != listen.size()) {
      throw bad("listen", listen.toString(), "lists an address twice");
    }
    requireField("allowedHosts", allowedHosts);
    if (allowedHosts.isEmpty()) {
      allowedHosts = defaultAllowedHosts(listen);
    } else {
      Set<String> norm = new LinkedHashSet<>();
      for (String h : allowedHosts) {
        norm.add(normalizeHost(h));
      }
      allowedHosts = Set.copyOf(norm);
    }
    requireField("probeAddress", probeAddress);
    requireField("metricsAddress", metricsAddress);
    if (cacheSize < 0 || cacheSize > 1_000_000) {
      throw bad("cacheSize", Integer.toString(cacheSize), "must be in 0..1000000");
    }
    positive("refreshBeforeExpiry", refreshBeforeExpiry);
    positive("maxRetention", maxRetention);
    positive("refreshRetry", refreshRetry);
    if (!(upstreamRate > 0) || Double.isInfinite(upstreamRate)) {
      throw bad("upstreamRate", Double.toString(upstreamRate), "must be a positive number");
    }
    if (upstreamBurst < 1) {
      throw bad("upstreamBurst", Integer.toString(upstreamBurst), "must be at least 1");
    }
    if (!(tokenRate > 0) || Double.isInfinite(tokenRate)) {
      throw bad("tokenRate", Double.toString(tokenRate), "must be a positive number");
    }
    if (tokenBurst < 1) {
      throw bad("tokenBurst", Integer.toString(tokenBurst), "must be at least 1");
    }
    positive("upstreamConnectTimeout", upstreamConnectTimeout);
    positive("upstreamTimeout", upstreamTimeout);
    if (upstreamAttempts < 1 || upstreamAttempts > 10) {
      throw bad("upstreamAttempts", Integer.toString(upstreamAttempts), "must be in 1..10");
    }
    if (maxHeaderBytes < 1024 || maxHeaderBytes > 1 << 20) {
      throw bad("maxHeaderBytes", Integer.toString(maxHeaderBytes), "must be in 1024..1048576");
    }
  }

  /** A builder holding the defaults; only cluster name, endpoint and credentials have none. */
  public static Builder builder() {
    return new Builder();
  }

  /** The Host values accepted by default for these listen addresses. */
  static Set<String> defaultAllowedHosts(List<BindAddress> listen) {
    Set<String> hosts = new LinkedHashSet<>();
    for (BindAddress a : listen) {
      String h = normalizeHost(a.host());
      if (h.equals("0.0.0.0") || h.equals("::")) {
        throw bad(
            "allowedHosts",
            "[]",
            "must be given when listening on the wildcard address "
                + a
                + " (which Host names"
                + " should pods use?)");
      }
      hosts.add(h);
      if (LOOPBACK.contains(h) || h.startsWith("127.")) {
        hosts.addAll(LOOPBACK);
      }
    }
    return Set.copyOf(hosts);
  }

  /** Lower case, without brackets or a port: the form Host headers are compared in. */
  public static String normalizeHost(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int close = h.indexOf(']');
      return close < 0 ? h : h.substring(1, close);
    }
    int colon = h.indexOf(':');
    if (colon >= 0 && colon == h.lastIndexOf(':')) {
      return h.substring(0, colon);
    }
    return h;
  }

  private static final Pattern SIMPLE_DURATION =
      Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

  /**
   * Parses a duration: {@code 500ms}, {@code 90s}, {@code 15m}, {@code 3h}, {@code 1h30m}, or ISO
   * 8601 ({@code PT15M}).
   */
  public static Duration parseDuration(String field, String value) {
    String v = value == null ? "" : value.strip();
    if (v.toUpperCase(Locale.ROOT).startsWith("P")) {
      try {
        return Duration.parse(v.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw bad(field, value, "is not a duration like 500ms, 90s, 15m, 3h or PT15M");
      }
    }
    Matcher m = SIMPLE_DURATION.matcher(v);
    long nanos = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      double n = Double.parseDouble(m.group(1));
      double unit =
          switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            case "h" -> 3600e9;
            default -> 86400e9;
          };
      nanos += (long) (n * unit);
      end = m.end();
    }
    if (v.isEmpty() || end != v.length()) {
      throw bad(field, value, "is not a duration like 500ms, 90s, 15m, 3h or PT15M");
    }
    return Duration.ofNanos(nanos);
  }

  /** Parses an integer field. */
  public static int parseInt(String field, String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (RuntimeException e) {
      throw bad(field, value, "is not an integer");
    }
  }

  /** Parses a rate (a positive decimal number). */
  public static double parseRate(String field, String value) {
    try {
      return Double.parseDouble(value.strip());
    } catch (RuntimeException e) {
      throw bad(field, value, "is not a number");
    }
  }

  /** Parses the endpoint URL. */
  public static URI parseEndpoint(String value) {
    try {
      URI u = new URI(value.strip());
      String path = u.getRawPath();
      if (path != null && path.endsWith("/")) {
        u = new URI(value.strip().replaceAll("/+$", ""));
      }
      return u;
    } catch (URISyntaxException | RuntimeException e) {
      throw bad("endpoint", value, "is not a URL");
    }
  }

  /** Parses a bind address ({@code host:port}, {@code [v6]:port}, or a bare host). */
  public static BindAddress parseAddress(String field, String value, int defaultPort) {
    try {
      return BindAddress.parse(value, defaultPort);
    } catch (IllegalArgumentException e) {
      throw bad(field, value, e.getMessage());
    }
  }

  private static void requireField(String field, Object value) {
    if (value == null) {
      throw new IllegalArgumentException(field + ": is required");
    }
  }

  private static void positive(String field, Duration d) {
    requireField(field, d);
    if (d.isNegative() || d.isZero()) {
      throw bad(field, d.toString(), "must be positive");
    }
  }

  static IllegalArgumentException bad(String field, String value, String why) {
    return new IllegalArgumentException(field + ": '" + value + "' " + why);
  }

  /** Collects the configuration; {@link #build()} validates it. Not thread-safe. */
  public static final class Builder {
    private String clusterName;
    private URI endpoint;
    private String region = "us-east-1";
    private AgentCredentials credentials;
    private List<BindAddress> listen = List.of(DEFAULT_IPV4, DEFAULT_IPV6);
    private Set<String> allowedHosts = Set.of();
    private Optional<BindAddress> probeAddress = Optional.of(DEFAULT_PROBE);
    private Optional<BindAddress> metricsAddress = Optional.of(DEFAULT_METRICS);
    private int cacheSize = 2000;
    private Duration refreshBeforeExpiry = Duration.ofMinutes(15);
    private Duration maxRetention = Duration.ofHours(3);
    private Duration refreshRetry = Duration.ofSeconds(30);
    private double upstreamRate = 50;
    private int upstreamBurst = 100;
    private double tokenRate = 1;
    private int tokenBurst = 10;
    private Duration upstreamConnectTimeout = Duration.ofSeconds(1);
    private Duration upstreamTimeout = Duration.ofSeconds(2);
    private int upstreamAttempts = 2;
    private int maxHeaderBytes = 16 * 1024;

    private Builder() {}

    public Builder clusterName(String v) {
      clusterName = v;
      return this;
    }

    public Builder endpoint(URI v) {
      endpoint = v;
      return this;
    }

    public Builder endpoint(String v) {
      endpoint = parseEndpoint(v);
      return this;
    }

    public Builder region(String v) {
      region = v;
      return this;
    }

    public Builder credentials(AgentCredentials v) {
      credentials = v;
      return this;
    }

    public Builder listen(List<BindAddress> v) {
      listen = List.copyOf(v);
      return this;
    }

    public Builder listen(BindAddress... v) {
      listen = List.of(v);
      return this;
    }

    /** Listen addresses as strings ({@code host:port}, {@code [v6]:port}; port defaults to 80). */
    public Builder listenStrings(List<String> v) {
      List<BindAddress> out = new ArrayList<>();
      for (String s : v) {
        out.add(parseAddress("listen", s, 80));
      }
      listen = out;
      return this;
    }

    public Builder allowedHosts(Set<String> v) {
      allowedHosts = Set.copyOf(v);
      return this;
    }

    public Builder probeAddress(Optional<BindAddress> v) {
      probeAddress = Objects.requireNonNull(v);
      return this;
    }

    public Builder metricsAddress(Optional<BindAddress> v) {
      metricsAddress = Objects.requireNonNull(v);
      return this;
    }

    public Builder cacheSize(int v) {
      cacheSize = v;
      return this;
    }

    public Builder refreshBeforeExpiry(Duration v) {
      refreshBeforeExpiry = v;
      return this;
    }

    public Builder maxRetention(Duration v) {
      maxRetention = v;
      return this;
    }

    public Builder refreshRetry(Duration v) {
      refreshRetry = v;
      return this;
    }

    public Builder upstreamRate(double rate, int burst) {
      upstreamRate = rate;
      upstreamBurst = burst;
      return this;
    }

    public Builder tokenRate(double rate, int burst) {
      tokenRate = rate;
      tokenBurst = burst;
      return this;
    }

    public Builder upstreamConnectTimeout(Duration v) {
      upstreamConnectTimeout = v;
      return this;
    }

    public Builder upstreamTimeout(Duration v) {
      upstreamTimeout = v;
      return this;
    }

    public Builder upstreamAttempts(int v) {
      upstreamAttempts = v;
      return this;
    }

    public Builder maxHeaderBytes(int v) {
      maxHeaderBytes = v;
      return this;
    }

    public AgentConfig build() {
      return new AgentConfig(
          clusterName,
          endpoint,
          region,
          credentials,
          listen,
          allowedHosts,
          probeAddress,
          metricsAddress,
          cacheSize,
          refreshBeforeExpiry,
          maxRetention,
          refreshRetry,
          upstreamRate,
          upstreamBurst,
          tokenRate,
          tokenBurst,
          upstreamConnectTimeout,
          upstreamTimeout,
          upstreamAttempts,
          maxHeaderBytes);
    }
  }
}
