package io.podidentity.cli;

import io.podidentity.server.ServerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The server flags shared by {@code up} and {@code server} (DESIGN.md). */
final class ServerOptions {
  @Option(
      names = "--data-dir",
      defaultValue = "./.podidentity",
      description = "Data directory (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "7700",
      description = "Server port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--account",
      defaultValue = "111122223333",
      description = "Account id (default: ${DEFAULT-VALUE}).")
  String account;

  @Option(
      names = "--region",
      defaultValue = "us-east-1",
      description = "Region (default: ${DEFAULT-VALUE}).")
  String region;

  @Option(
      names = "--issuer",
      defaultValue = "builtin",
      description = "builtin or sts (default: ${DEFAULT-VALUE}).")
  String issuer;

  @Option(names = "--sts-endpoint", description = "External STS endpoint URL (with --issuer sts).")
  URI stsEndpoint;

  @Option(
      names = "--sts-region",
      description = "Region to sign external STS calls for (default: --region).")
  String stsRegion;

  ServerConfig toConfig() {
    ServerConfig.Issuer i =
        switch (issuer.toLowerCase(java.util.Locale.ROOT)) {
          case "builtin" -> ServerConfig.Issuer.BUILTIN;
          case "sts" -> ServerConfig.Issuer.STS;
          default ->
              throw new IllegalArgumentException(
                  "--issuer must be builtin or sts, was '" + issuer + "'");
        };
    return new ServerConfig(
        dataDir,
        host,
        port,
        account,
        region,
        i,
        Optional.ofNullable(stsEndpoint),
        Optional.ofNullable(stsRegion));
  }
}
