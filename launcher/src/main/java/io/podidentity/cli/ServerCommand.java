package io.podidentity.cli;

import io.podidentity.server.PodIdentityServer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code podidentity server}: the control plane alone (for deployments). */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = "Run the podidentity server.")
final class ServerCommand implements Callable<Integer> {
  @Mixin ServerOptions options = new ServerOptions();

  @Override
  public Integer call() throws InterruptedException {
    ServerProcess.tuneScheduler();
    PodIdentityServer server = PodIdentityServer.start(options.toConfig());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    System.out.println("podidentity server listening on " + server.endpoint());
    stopped.await();
    return 0;
  }
}
