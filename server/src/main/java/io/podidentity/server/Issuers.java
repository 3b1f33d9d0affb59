package io.podidentity.server;

import io.podidentity.issuer.CredentialIssuer;
import io.podidentity.issuer.StsIssuer;
import io.podidentity.issuer.StsIssuerConfig;
import io.podidentity.sts.BuiltinIssuer;
import io.podidentity.sts.RoleSessions;

/** Chooses the credential issuer of a server from its configuration. */
final class Issuers {
  private Issuers() {}

  /**
   * The builtin issuer (the server's own STS) by default; with {@code --issuer sts} the external
   * STS at {@code --sts-endpoint}, called with the server's credentials from the default chain.
   */
  static CredentialIssuer forConfig(ServerConfig config, RoleSessions builtin) {
    return switch (config.issuer()) {
      case BUILTIN -> new BuiltinIssuer(builtin);
      case STS ->
          new StsIssuer(
              StsIssuerConfig.of(
                  config.stsEndpoint().orElseThrow(), config.stsRegion().orElse(config.region())));
    };
  }
}
