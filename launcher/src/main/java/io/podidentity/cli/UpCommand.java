package io.podidentity.cli;

import io.podidentity.agent.Agent;
import io.podidentity.agent.AgentConfig;
import io.podidentity.agent.AgentCredentials;
import io.podidentity.agent.BindAddress;
import io.podidentity.agent.RunningAgent;
import io.podidentity.cluster.Cluster;
import io.podidentity.server.PodIdentityServer;
import io.podidentity.server.ServerConfig;
import io.podidentity.webhook.RunningWebhook;
import io.podidentity.webhook.Webhook;
import io.podidentity.webhook.WebhookConfig;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code podidentity up}: the whole system in one process on its embedded defaults — server, agent
 * and webhook on loopback, a SQLite store in the data dir, the builtin issuer and one local cluster
 * (DESIGN.md "Standalone").
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = "Run server, agent and webhook on loopback with embedded defaults.")
final class UpCommand implements Callable<Integer> {
  @Mixin ServerOptions options = new ServerOptions();

  @Option(
      names = "--agent-port",
      defaultValue = "7701",
      description = "Agent port (default: ${DEFAULT-VALUE}).")
  int agentPort;

  @Option(
      names = "--webhook-port",
      defaultValue = "7702",
      description = "Webhook port (default: ${DEFAULT-VALUE}).")
  int webhookPort;

  @Option(
      names = "--cluster",
      defaultValue = "local",
      description = "Name of the local cluster (default: ${DEFAULT-VALUE}).")
  String cluster;

  @Override
  public Integer call() throws Exception {
    ServerProcess.tuneScheduler();
    Cluster.validateName(cluster);
    ServerConfig config = options.toConfig();
    Embedded up = Embedded.start(config, cluster, agentPort, webhookPort);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  up.close();
                  stopped.countDown();
                },
                "podidentity-shutdown"));
    System.out.println(up.quickstart());
    stopped.await();
    return 0;
  }

  /** The running embedded system; also used by tests. */
  static final class Embedded implements AutoCloseable {
    final PodIdentityServer server;
    final String clusterName;
    private final List<AutoCloseable> parts = new ArrayList<>();
    private RunningWebhook webhook;
    private RunningAgent agent;

    private Embedded(PodIdentityServer server, String clusterName) {
      this.server = server;
      this.clusterName = clusterName;
    }

    static Embedded start(ServerConfig config, String cluster, int agentPort, int webhookPort)
        throws IOException, GeneralSecurityException {
      PodIdentityServer server = PodIdentityServer.start(config);
      server.setReady(false);
      Embedded e = new Embedded(server, cluster);
      try {
        LocalCluster local = LocalCluster.register(server, cluster);
        RunningAgent agent =
            Agent.start(
                AgentConfig.builder()
                    .clusterName(cluster)
                    .endpoint(server.endpoint())
                    .region(config.region())
                    .credentials(
                        new AgentCredentials.Static(
                            server.agentKey().accessKeyId(),
                            server.agentKey().secretAccessKey(),
                            Optional.empty()))
                    .listen(new BindAddress(config.host(), agentPort))
                    // One process: its probes are the server's /healthz, its metrics not exposed.
                    .probeAddress(Optional.empty())
                    .metricsAddress(Optional.empty())
                    .build());
        e.parts.add(agent);
        e.agent = agent;
        RunningWebhook webhook =
            Webhook.start(
                WebhookConfig.local(server.dataDir().root(), cluster, config.region(), webhookPort),
                new InProcessAssociations(server.associations(), cluster));
        e.parts.add(webhook);
        e.webhook = webhook;
        local.write(
            server.dataDir(),
            server.endpoint(),
            agent.credentialsUri().toString(),
            config.stsEndpoint().map(Object::toString).orElse(server.endpoint()));
        server.setReady(true);
        return e;
      } catch (IOException | GeneralSecurityException | RuntimeException ex) {
        e.close();
        throw ex;
      }
    }

    /** The agent's credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI for local pods). */
    java.net.URI agentUri() {
      return agent.credentialsUri();
    }

    String quickstart() {
      String dir = server.dataDir().root().toString();
      String ep = server.endpoint();
      Cluster c = server.clusters().require(clusterName);
      return String.join(
          "\n",
          "podidentity is up (data dir " + dir + ")",
          "  server   " + ep + "   (EKS, EKS Auth, IAM and STS APIs)",
          "  agent    " + agent.credentialsUri() + "   (container credentials endpoint)",
          "  webhook  " + webhook.mutateUri() + "   (CA bundle " + dir + "/webhook/ca.crt)",
          "  cluster  " + c.name() + "  " + c.arn(),
          "",
          "Use it with the AWS CLI (the profile points at this server):",
          "  export AWS_SHARED_CREDENTIALS_FILE="
              + dir
              + "/credentials AWS_CONFIG_FILE="
              + dir
              + "/config AWS_PROFILE=podidentity",
          "  aws eks create-pod-identity-association --cluster-name "
              + c.name()
              + " --namespace default --service-account my-service-account --role-arn arn:aws:iam::"
              + c.accountId()
              + ":role/my-role",
          "  aws eks list-pod-identity-associations --cluster-name " + c.name(),
          "",
          "Run a command as a pod of a service account would run (token file + the webhook's env):",
          "  podidentity exec --namespace default --service-account my-service-account -- aws sts get-caller-identity",
          "",
          "Stop with Ctrl-C.");
    }

    @Override
    public void close() {
      for (int i = parts.size() - 1; i >= 0; i--) {
        try {
          parts.get(i).close();
        } catch (Exception ex) {
          // Keep closing the rest.
        }
      }
      server.close();
    }
  }
}
