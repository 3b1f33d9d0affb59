package io.podidentity.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code podidentity token}: prints a service-account token for the local cluster with the claims a
 * kube-apiserver puts in a projected token (the seeds' decoded example).
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Print a projected service-account token for the local cluster.")
final class TokenCommand implements Callable<Integer> {
  @Mixin TokenOptions token = new TokenOptions();

  @Override
  public Integer call() {
    System.out.println(token.mint());
    return 0;
  }
}
