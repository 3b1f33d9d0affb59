package io.podidentity.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code podidentity} command: one launcher for every part of the system. */
@Command(
    name = "podidentity",
    mixinStandardHelpOptions = true,
    version = "podidentity 0.1.0",
    description = "EKS Pod Identity, self-hosted, for any Kubernetes cluster.",
    subcommands = {
      UpCommand.class,
      ServerCommand.class,
      ClusterCommand.class,
      TokenCommand.class,
      ExecCommand.class,
      AuditCommand.class,
      io.podidentity.webhook.WebhookCommand.class,
      io.podidentity.agent.AgentCommand.class
    })
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Helidon logs through java.util.logging; send it through logback like everything else.
    org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
    org.slf4j.bridge.SLF4JBridgeHandler.install();
    System.exit(commandLine().execute(args));
  }

  /** The command line, also used by tests to run subcommands in-process. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          // Expected failures (port taken, data dir locked, bad flag value) are one clear line.
          cmd.getErr().println("podidentity: " + ex.getMessage());
          return 1;
        });
    return cl;
  }
}
