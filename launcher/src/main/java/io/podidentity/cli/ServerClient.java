package io.podidentity.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.podidentity.http.Json;
import io.podidentity.sigv4.SigV4Signer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CLI's client for the server's rest-json APIs, signed with the admin profile from a data dir's
 * credentials file, at the endpoint its config file names.
 */
final class ServerClient {
  private final URI endpoint;
  private final SigV4Signer.Credentials creds;
  private final String region;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ServerClient(URI endpoint, SigV4Signer.Credentials creds, String region) {
    this.endpoint = endpoint;
    this.creds = creds;
    this.region = region;
  }

  /** A client for the instance whose data dir is given; --endpoint overrides its endpoint. */
  static ServerClient forDataDir(Path dataDir, Optional<URI> endpointOverride) {
    Map<String, Map<String, String>> creds = ini(dataDir.resolve("credentials"));
    Map<String, Map<String, String>> config = ini(dataDir.resolve("config"));
    Map<String, String> admin = creds.get("podidentity");
    Map<String, String> prof = config.getOrDefault("profile podidentity", Map.of());
    if (admin == null) {
      throw new IllegalStateException(
          "no [podidentity] profile in "
              + dataDir.resolve("credentials")
              + "; is this a data dir?");
    }
    URI ep =
        endpointOverride.orElseGet(
            () -> URI.create(prof.getOrDefault("endpoint_url", "http://127.0.0.1:7700")));
    return new ServerClient(
        ep,
        new SigV4Signer.Credentials(
            admin.get("aws_access_key_id"), admin.get("aws_secret_access_key"), Optional.empty()),
        prof.getOrDefault("region", "us-east-1"));
  }

  /** Calls the API; returns the JSON answer, or throws with the server's error code and message. */
  JsonNode call(String method, String path, Object body) {
    byte[] bytes = body == null ? new byte[0] : Json.write(body);
    URI uri = endpoint.resolve(path);
    Map<String, String> extra = new HashMap<>();
    if (body != null) {
      extra.put("Content-Type", "application/json");
    }
    Map<String, String> headers =
        SigV4Signer.sign(method, uri, extra, bytes, creds, region, "eks", Instant.now());
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
    headers.forEach(
        (k, v) -> {
          if (!k.equalsIgnoreCase("Host")) {
            b.header(k, v);
          }
        });
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode n =
          r.body().isEmpty() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(r.body());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            n.path("__type").asText("Error") + ": " + n.path("message").asText(r.body()));
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot reach the server at " + endpoint + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  /** Reads an AWS-style ini file into sections of key/value pairs. */
  static Map<String, Map<String, String>> ini(Path file) {
    Map<String, Map<String, String>> out = new HashMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    try {
      Map<String, String> cur = null;
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String l = line.strip();
        if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
          continue;
        }
        if (l.startsWith("[") && l.endsWith("]")) {
          cur = new HashMap<>();
          out.put(l.substring(1, l.length() - 1).strip(), cur);
        } else if (cur != null && l.contains("=")) {
          int eq = l.indexOf('=');
          cur.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
