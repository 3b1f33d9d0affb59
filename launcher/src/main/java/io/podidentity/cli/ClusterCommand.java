package io.podidentity.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.podidentity.http.Json;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code podidentity cluster add|list|remove}: manages clusters through the server's API. */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = "Manage the clusters whose service-account tokens the server trusts.",
    subcommands = {
      ClusterCommand.Add.class,
      ClusterCommand.ListClusters.class,
      ClusterCommand.Remove.class
    })
final class ClusterCommand {
  /** Where the server is and whose credentials to use. */
  static final class Target {
    @Option(
        names = "--data-dir",
        defaultValue = "./.podidentity",
        description = "Data dir of the instance (credentials, endpoint).")
    Path dataDir;

    @Option(names = "--endpoint", description = "Server URL (default: from the data dir's config).")
    URI endpoint;

    ServerClient client() {
      return ServerClient.forDataDir(dataDir, Optional.ofNullable(endpoint));
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Register a cluster.")
  static final class Add implements Callable<Integer> {
    @Parameters(index = "0", description = "Cluster name.")
    String name;

    @Option(
        names = "--issuer",
        required = true,
        description = "The iss of the cluster's service-account tokens.")
    String issuer;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Keys keys;

    @Option(names = "--account", description = "Account id (default: the server's).")
    String account;

    @picocli.CommandLine.Mixin Target target = new Target();

    static final class Keys {
      @Option(
          names = "--jwks-file",
          description = "A file holding the cluster's JWKS (kubectl get --raw /openid/v1/jwks).")
      Path jwksFile;

      @Option(names = "--jwks-uri", description = "Where to fetch the cluster's JWKS.")
      String jwksUri;
    }

    @Override
    public Integer call() throws Exception {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      body.put("issuer", issuer);
      if (keys.jwksFile != null) {
        body.put("jwks", Json.MAPPER.readTree(Files.readString(keys.jwksFile)));
      } else {
        body.put("jwksUri", keys.jwksUri);
      }
      if (account != null) {
        body.put("accountId", account);
      }
      JsonNode c = target.client().call("POST", "/podidentity/v1/clusters", body).path("cluster");
      System.out.println(c.path("name").asText() + "\t" + c.path("arn").asText());
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List clusters.")
  static final class ListClusters implements Callable<Integer> {
    @picocli.CommandLine.Mixin Target target = new Target();

    @Override
    public Integer call() {
      ServerClient client = target.client();
      for (JsonNode n : client.call("GET", "/clusters", null).path("clusters")) {
        JsonNode c = client.call("GET", "/clusters/" + n.asText(), null).path("cluster");
        System.out.println(
            c.path("name").asText()
                + "\t"
                + c.path("arn").asText()
                + "\t"
                + c.path("identity").path("oidc").path("issuer").asText());
      }
      return 0;
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Remove a cluster (it must have no associations).")
  static final class Remove implements Callable<Integer> {
    @Parameters(index = "0", description = "Cluster name.")
    String name;

    @picocli.CommandLine.Mixin Target target = new Target();

    @Override
    public Integer call() {
      target.client().call("DELETE", "/clusters/" + name, null);
      System.out.println("removed " + name);
      return 0;
    }
  }
}
