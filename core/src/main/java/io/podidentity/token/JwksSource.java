package io.podidentity.token;

import io.podidentity.token.internal.UrlJwksSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;

/**
 * Where a cluster's service-account signing keys come from.
 *
 * <p>Implementations are thread-safe and cheap to call on every verification: they hand out an
 * already parsed {@link JwkKeys}.
 */
public interface JwksSource {

  /**
   * The current key set.
   *
   * @throws io.podidentity.api.ApiException ServiceUnavailableException when no key set has ever
   *     been loaded (e.g. the issuer has been unreachable since start)
   */
  JwkKeys current();

  /**
   * The key set to use after a token named a key id that {@link #current()} does not hold: a source
   * that can re-fetch does so here (rate-limited), so the issuer's key rotation is picked up
   * without waiting for the next periodic refresh.
   */
  default JwkKeys onUnknownKid(String kid) {
    return current();
  }

  /** A fixed key set given inline (a JWKS JSON document). */
  static JwksSource inline(String jwksJson) {
    JwkKeys keys = JwkKeys.parse(jwksJson);
    return new JwksSource() {
      @Override
      public JwkKeys current() {
        return keys;
      }

      @Override
      public String toString() {
        return "inline " + keys;
      }
    };
  }

  /** A fixed key set. */
  static JwksSource of(JwkKeys keys) {
    return () -> keys;
  }

  /**
   * A JWKS fetched from {@code uri} (http or https) with the default HTTP client, cached, refreshed
   * and re-fetched on an unknown kid as {@code options} say.
   */
  static JwksSource fromUrl(URI uri, JwksFetchOptions options, Clock clock) {
    return new UrlJwksSource(uri, options, clock, UrlJwksSource.defaultClient(options));
  }

  /**
   * The JWKS found through {@code issuer}'s OpenID Connect discovery document ({@code
   * ISSUER/.well-known/openid-configuration} → {@code jwks_uri}), as EKS and other public issuers
   * serve it; otherwise as {@link #fromUrl(URI, JwksFetchOptions, Clock)}.
   */
  static JwksSource fromIssuerDiscovery(String issuer, JwksFetchOptions options, Clock clock) {
    return UrlJwksSource.discovering(issuer, options, clock, UrlJwksSource.defaultClient(options));
  }

  /**
   * As {@link #fromUrl(URI, JwksFetchOptions, Clock)} with a caller-built client, e.g. one trusting
   * a cluster's private CA.
   */
  static JwksSource fromUrl(URI uri, JwksFetchOptions options, Clock clock, HttpClient httpClient) {
    return new UrlJwksSource(uri, options, clock, httpClient);
  }
}
