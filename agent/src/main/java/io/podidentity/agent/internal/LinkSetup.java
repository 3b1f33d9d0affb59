package io.podidentity.agent.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code podidentity agent init}: puts the agent's link-local addresses on a dedicated link, the
 * way AWS's agent {@code initialize} does with netlink (eks-agent-and-webhook-behaviour.md §1.7),
 * here with iproute2's {@code ip}. Idempotent: the link, addresses and routes are created only when
 * missing ({@code replace} semantics).
 *
 * <ol>
 *   <li>The link {@code pod-id-link0}, of type {@code dummy}. Kernels built without the dummy
 *       driver ({@code Unknown device type}) get a port-less {@code bridge} instead, which holds
 *       local addresses the same way; a warning says so.
 *   <li>IPv4 {@code 169.254.170.23/32} and a route to it on the link. Any failure is fatal.
 *   <li>IPv6 {@code fd00:ec2::23/128} ({@code nodad}, so it is usable at once) and its route. A
 *       failure is a warning: the agent serves IPv4 alone.
 *   <li>The link is set up. A route to an address on another device is an error, as in AWS's agent:
 *       traffic to the agent would go elsewhere.
 * </ol>
 */
public final class LinkSetup {
  public static final String LINK = "pod-id-link0";
  public static final String IPV4 = "169.254.170.23";
  public static final String IPV6 = "fd00:ec2::23";

  private final List<String> ip;
  private final String link;
  private final Consumer<String> info;
  private final Consumer<String> warn;

  /** Thrown when the required (IPv4) setup fails. */
  public static final class SetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SetupException(String message) {
      super(message);
    }
  }

  /**
   * @param ip the command that runs iproute2's {@code ip}, e.g. {@code [ip]} or {@code [ip, netns,
   *     exec, NS, ip]}
   */
  public LinkSetup(List<String> ip, String link, Consumer<String> info, Consumer<String> warn) {
    this.ip = List.copyOf(ip);
    this.link = link;
    this.info = info;
    this.warn = warn;
  }

  /** Runs the setup; returns whether IPv6 was configured too. */
  public boolean run() {
    ensureLink();
    run4("link", "set", link, "up");
    run4("-4", "addr", "replace", IPV4 + "/32", "dev", link);
    ensureRoute("-4", IPV4 + "/32");
    boolean v6 = true;
    try {
      Out r = ip("-6", "addr", "replace", IPV6 + "/128", "dev", link, "nodad");
      if (r.rc != 0) {
        throw new SetupException("ip -6 addr replace " + IPV6 + "/128 failed: " + r.text);
      }
      ensureRoute("-6", IPV6 + "/128");
    } catch (SetupException e) {
      warn.accept("IPv6 setup skipped, the agent will serve IPv4 only: " + e.getMessage());
      v6 = false;
    }
    info.accept(
        "Link " + link + " has " + IPV4 + "/32" + (v6 ? " and " + IPV6 + "/128" : " (no IPv6)"));
    return v6;
  }

  private void ensureLink() {
    if (ip("-o", "link", "show", "dev", link).rc == 0) {
      return;
    }
    Out r = ip("link", "add", link, "type", "dummy");
    if (r.rc == 0) {
      info.accept("Created dummy link " + link);
      return;
    }
    if (r.text.contains("Unknown device type") || r.text.contains("not supported")) {
      Out b = ip("link", "add", link, "type", "bridge");
      if (b.rc == 0) {
        warn.accept(
            "This kernel has no dummy link driver; created "
                + link
                + " as a port-less bridge instead");
        return;
      }
      throw new SetupException("cannot create link " + link + ": " + b.text);
    }
    if (ip("-o", "link", "show", "dev", link).rc == 0) {
      return; // created concurrently
    }
    throw new SetupException("cannot create link " + link + ": " + r.text);
  }

  private void ensureRoute(String family, String prefix) {
    Out show = ip("-o", family, "route", "show", prefix);
    if (show.rc == 0) {
      for (String line : show.text.split("\n")) {
        String l = line.strip();
        if (l.isEmpty()) {
          continue;
        }
        if (!l.contains(" dev " + link + " ") && !l.endsWith(" dev " + link)) {
          throw new SetupException(
              "a route to "
                  + prefix
                  + " exists on another device ("
                  + l
                  + "); remove it and try again");
        }
      }
    }
    Out r = ip(family, "route", "replace", prefix, "dev", link);
    if (r.rc != 0) {
      throw new SetupException("ip " + family + " route replace " + prefix + " failed: " + r.text);
    }
  }

  private void run4(String... args) {
    Out r = ip(args);
    if (r.rc != 0) {
      throw new SetupException("ip " + String.join(" ", args) + " failed: " + r.text);
    }
  }

  private record Out(int rc, String text) {}

  private Out ip(String... args) {
    List<String> cmd = new ArrayList<>(ip);
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new SetupException(String.join(" ", cmd) + " did not finish in 30 s");
      }
      return new Out(p.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw new SetupException(
          "cannot run '" + String.join(" ", cmd) + "' (is iproute2 installed?): " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SetupException("interrupted");
    }
  }
}
