package io.podidentity.agent;

import io.podidentity.agent.internal.LinkSetup;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code podidentity agent}: the node agent serving {@code GET /v1/credentials}. The launcher adds
 * it as a subcommand; {@code podidentity agent init} prepares the link-local addresses.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    subcommands = {AgentCommand.Init.class},
    description = {
      "Serves pods' credentials on GET /v1/credentials (169.254.170.23:80 and [fd00:ec2::23]:80 by"
          + " default), exchanging each pod's service account token with the server's EKS Auth API"
          + " and caching the answer.",
      "Probes /healthz and /readyz on 127.0.0.1:2703; Prometheus /metrics on 0.0.0.0:2705."
    })
public final class AgentCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(AgentCommand.class);

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-c", "--cluster-name"},
      required = true,
      description = "Cluster name sent to EKS Auth.")
  String clusterName;

  @Option(
      names = "--endpoint",
      description =
          "The server's URL (EKS Auth API). Default: $AWS_ENDPOINT_URL_EKS_AUTH, then"
              + " $AWS_ENDPOINT_URL, then http://127.0.0.1:7700.")
  String endpoint;

  @Option(
      names = "--region",
      description = "SigV4 signing region. Default: $AWS_REGION, $AWS_DEFAULT_REGION, us-east-1.")
  String region;

  @Option(
      names = "--credentials-file",
      description =
          "AWS shared-credentials file with the agent's own key (re-read when it changes)."
              + " Default: the environment's AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY if set, else"
              + " $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials.")
  Path credentialsFile;

  @Option(
      names = "--profile",
      description = "Profile in the credentials file. Default: $AWS_PROFILE, else 'default'.")
  String profile;

  @Option(
      names = {"-b", "--listen"},
      description =
          "Credential listener address (repeatable): host:port, [v6]:port or host (port 80)."
              + " Default: 169.254.170.23:80 and [fd00:ec2::23]:80.")
  List<String> listen = new ArrayList<>();

  @Option(
      names = "--allowed-host",
      description =
          "Host header value accepted on /v1/credentials (repeatable). Default: the listen hosts"
              + " (plus localhost/127.0.0.1/::1 when listening on loopback).")
  List<String> allowedHosts = new ArrayList<>();

  @Option(
      names = "--probe-address",
      defaultValue = "127.0.0.1:2703",
      description = "Address of /healthz and /readyz, or 'off'. Default: ${DEFAULT-VALUE}.")
  String probeAddress;

  @Option(
      names = "--metrics-address",
      defaultValue = "0.0.0.0:2705",
      description = "Address of /metrics (and the probes), or 'off'. Default: ${DEFAULT-VALUE}.")
  String metricsAddress;

  @Option(names = "--cache-size", description = "Most cached tokens (LRU); 0 disables. 2000.")
  String cacheSize;

  @Option(
      names = "--refresh-before-expiry",
      description = "Refresh cached credentials this long before they expire. 15m.")
  String refreshBeforeExpiry;

  @Option(
      names = "--max-retention",
      description = "Refresh cached credentials at the latest this long after fetching. 3h.")
  String maxRetention;

  @Option(names = "--refresh-retry", description = "Wait after a failed refresh. 30s.")
  String refreshRetry;

  @Option(names = "--upstream-qps", description = "Overall EKS Auth calls per second. 50.")
  String upstreamQps;

  @Option(names = "--upstream-burst", description = "Overall EKS Auth burst. 100.")
  String upstreamBurst;

  @Option(names = "--token-qps", description = "EKS Auth calls per second for one token. 1.")
  String tokenQps;

  @Option(names = "--token-burst", description = "EKS Auth burst for one token. 10.")
  String tokenBurst;

  @Option(names = "--upstream-connect-timeout", description = "Connect timeout. 1s.")
  String upstreamConnectTimeout;

  @Option(names = "--upstream-timeout", description = "Time limit of one EKS Auth call. 2s.")
  String upstreamTimeout;

  @Option(names = "--upstream-attempts", description = "Attempts on transient failures. 2.")
  String upstreamAttempts;

  @Option(names = "--max-header-bytes", description = "Largest request header section. 16384.")
  String maxHeaderBytes;

  /**
   * Runs {@code agent} on its own (the launcher registers this class as a subcommand of {@code
   * podidentity} instead). Used by the bench scripts and by images that ship only the agent.
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new AgentCommand()).execute(args));
  }

  /** Builds the configuration from the options and {@code env}. */
  AgentConfig config(Map<String, String> env) {
    AgentConfig.Builder b = AgentConfig.builder().clusterName(clusterName);
    b.endpoint(
        firstNonBlank(
            endpoint,
            env.get("AWS_ENDPOINT_URL_EKS_AUTH"),
            env.get("AWS_ENDPOINT_URL"),
            "http://127.0.0.1:7700"));
    b.region(
        firstNonBlank(region, env.get("AWS_REGION"), env.get("AWS_DEFAULT_REGION"), "us-east-1"));
    String prof = firstNonBlank(profile, env.get("AWS_PROFILE"), "default");
    if (credentialsFile != null) {
      b.credentials(new AgentCredentials.SharedFile(credentialsFile, prof));
    } else if (env.get("AWS_ACCESS_KEY_ID") != null && profile == null) {
      b.credentials(new AgentCredentials.Environment());
    } else {
      String file = env.get("AWS_SHARED_CREDENTIALS_FILE");
      Path p =
          file != null && !file.isBlank()
              ? Path.of(file)
              : Path.of(System.getProperty("user.home"), ".aws", "credentials");
      b.credentials(new AgentCredentials.SharedFile(p, prof));
    }
    if (!listen.isEmpty()) {
      b.listenStrings(listen);
    }
    if (!allowedHosts.isEmpty()) {
      b.allowedHosts(new LinkedHashSet<>(allowedHosts));
    }
    b.probeAddress(optionalAddress("probeAddress", probeAddress, 2703));
    b.metricsAddress(optionalAddress("metricsAddress", metricsAddress, 2705));
    if (cacheSize != null) {
      b.cacheSize(AgentConfig.parseInt("cacheSize", cacheSize));
    }
    if (refreshBeforeExpiry != null) {
      b.refreshBeforeExpiry(AgentConfig.parseDuration("refreshBeforeExpiry", refreshBeforeExpiry));
    }
    if (maxRetention != null) {
      b.maxRetention(AgentConfig.parseDuration("maxRetention", maxRetention));
    }
    if (refreshRetry != null) {
      b.refreshRetry(AgentConfig.parseDuration("refreshRetry", refreshRetry));
    }
    AgentConfig defaults = null;
    if (upstreamQps != null || upstreamBurst != null || tokenQps != null || tokenBurst != null) {
      defaults = defaultsFor(b);
      b.upstreamRate(
          upstreamQps == null
              ? defaults.upstreamRate()
              : AgentConfig.parseRate("upstreamRate", upstreamQps),
          upstreamBurst == null
              ? defaults.upstreamBurst()
              : AgentConfig.parseInt("upstreamBurst", upstreamBurst));
      b.tokenRate(
          tokenQps == null ? defaults.tokenRate() : AgentConfig.parseRate("tokenRate", tokenQps),
          tokenBurst == null
              ? defaults.tokenBurst()
              : AgentConfig.parseInt("tokenBurst", tokenBurst));
    }
    if (upstreamConnectTimeout != null) {
      b.upstreamConnectTimeout(
          AgentConfig.parseDuration("upstreamConnectTimeout", upstreamConnectTimeout));
    }
    if (upstreamTimeout != null) {
      b.upstreamTimeout(AgentConfig.parseDuration("upstreamTimeout", upstreamTimeout));
    }
    if (upstreamAttempts != null) {
      b.upstreamAttempts(AgentConfig.parseInt("upstreamAttempts", upstreamAttempts));
    }
    if (maxHeaderBytes != null) {
      b.maxHeaderBytes(AgentConfig.parseInt("maxHeaderBytes", maxHeaderBytes));
    }
    return b.build();
  }

  private static AgentConfig defaultsFor(AgentConfig.Builder b) {
    return b.build();
  }

  private static Optional<BindAddress> optionalAddress(String field, String v, int port) {
    if (v == null || v.isBlank() || v.strip().equalsIgnoreCase("off")) {
      return Optional.empty();
    }
    return Optional.of(AgentConfig.parseAddress(field, v, port));
  }

  private static String firstNonBlank(String... vs) {
    for (String v : vs) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    AgentConfig cfg;
    try {
      cfg = config(System.getenv());
    } catch (IllegalArgumentException e) {
      err.println("podidentity agent: " + e.getMessage());
      return 2;
    }
    RunningAgent agent;
    try {
      agent = Agent.start(cfg);
    } catch (IllegalStateException e) {
      err.println("podidentity agent: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  agent.close();
                  stopped.countDown();
                },
                "agent-shutdown"));
    LOG.info(
        "Agent for cluster {} serving on {} (server {})",
        cfg.clusterName(),
        agent.credentialAddresses(),
        cfg.endpoint());
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** {@code podidentity agent init}: the link-local addresses on a dummy link, idempotent. */
  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      description = {
        "Creates the link pod-id-link0 with 169.254.170.23/32 and fd00:ec2::23/128 (idempotent;"
            + " for a privileged, hostNetwork init container). IPv4 failures are fatal, IPv6"
            + " failures a warning."
      })
  public static final class Init implements Callable<Integer> {
    private static final Logger INIT_LOG = LoggerFactory.getLogger(Init.class);

    @Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--link",
        defaultValue = LinkSetup.LINK,
        description = "Link name. Default: ${DEFAULT-VALUE}.")
    String link;

    @Option(
        names = "--ip",
        defaultValue = "ip",
        description = "The iproute2 'ip' command. Default: ${DEFAULT-VALUE}.")
    String ipCommand;

    @Override
    public Integer call() {
      try {
        new LinkSetup(List.of(ipCommand), link, INIT_LOG::info, INIT_LOG::warn).run();
        return 0;
      } catch (LinkSetup.SetupException e) {
        spec.commandLine().getErr().println("podidentity agent init: " + e.getMessage());
        return 1;
      }
    }
  }
}
