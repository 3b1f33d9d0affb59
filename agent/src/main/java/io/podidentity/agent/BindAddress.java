package io.podidentity.agent;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * A host (an IP literal or a name) and a port to listen on. IPv6 literals are kept without
 * brackets; {@link #toString()} adds them back ({@code [fd00:ec2::23]:80}).
 *
 * @param host IP literal or host name, never bracketed
 * @param port 0..65535; 0 asks the OS for a free port
 */
public record BindAddress(String host, int port) {
  public BindAddress {
    Objects.requireNonNull(host, "host");
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host is empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not in 0..65535");
    }
  }

  /**
   * Parses {@code host:port}, {@code [v6]:port}, or a bare host/IP (then {@code defaultPort}).
   *
   * @throws IllegalArgumentException naming the value when it cannot be parsed
   */
  public static BindAddress parse(String value, int defaultPort) {
    String v = value == null ? "" : value.strip();
    if (v.isEmpty()) {
      throw new IllegalArgumentException("empty address");
    }
    if (v.startsWith("[")) {
      int close = v.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("'" + value + "' has '[' without ']'");
      }
      String host = v.substring(1, close);
      String rest = v.substring(close + 1);
      if (rest.isEmpty()) {
        return new BindAddress(host, defaultPort);
      }
      if (!rest.startsWith(":")) {
        throw new IllegalArgumentException("'" + value + "': expected ':port' after ']'");
      }
      return new BindAddress(host, port(rest.substring(1), value));
    }
    int first = v.indexOf(':');
    if (first < 0) {
      return new BindAddress(v, defaultPort);
    }
    if (first != v.lastIndexOf(':')) {
      // Several colons and no brackets: a bare IPv6 literal.
      return new BindAddress(v, defaultPort);
    }
    return new BindAddress(v.substring(0, first), port(v.substring(first + 1), value));
  }

  private static int port(String s, String whole) {
    try {
      int p = Integer.parseInt(s);
      if (p < 0 || p > 65535) {
        throw new IllegalArgumentException("'" + whole + "': port " + p + " is not in 0..65535");
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + whole + "': port '" + s + "' is not a number");
    }
  }

  /** True when the host is an IPv6 literal. */
  public boolean isIpv6() {
    return host.indexOf(':') >= 0;
  }

  /** Resolves the host (an IP literal needs no lookup). */
  public InetSocketAddress toSocketAddress() throws UnknownHostException {
    return new InetSocketAddress(InetAddress.getByName(host), port);
  }

  /** The address as it would appear in a URL authority: {@code [v6]:port} or {@code v4:port}. */
  @Override
  public String toString() {
    return (isIpv6() ? "[" + host + "]" : host) + ":" + port;
  }
}
