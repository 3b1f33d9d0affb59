package io.podidentity.server;

import io.podidentity.api.ApiException;
import io.podidentity.auth.AccessKeys;
import io.podidentity.issuer.CredentialIssuer;
import io.podidentity.store.Database;
import java.time.Clock;

/** Chooses the credential issuer of a server from its configuration. */
final class Issuers {
  private Issuers() {}

  static CredentialIssuer forConfig(
      ServerConfig config, Database db, AccessKeys keys, Clock clock) {
    return request -> {
      throw new ApiException(
          "ServiceUnavailableException", 503, "No credential issuer is configured on this server.");
    };
  }
}
