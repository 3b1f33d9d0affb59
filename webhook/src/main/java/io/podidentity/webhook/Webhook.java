package io.podidentity.webhook;

import io.podidentity.webhook.internal.HttpAssociationSource;
import io.podidentity.webhook.internal.WebhookMetrics;
import io.podidentity.webhook.internal.WebhookServer;
import java.io.IOException;
import java.security.GeneralSecurityException;

/**
 * Starts the mutating admission webhook. {@code podidentity up} runs it in-process with an
 * in-memory {@link AssociationSource} over the server's store; {@code podidentity webhook} uses
 * {@link #start(WebhookConfig)}, which follows a remote server over HTTP.
 */
public final class Webhook {
  private Webhook() {}

  /**
   * Starts the webhook with the given source (not closed by the webhook).
   *
   * @throws IOException if the port cannot be bound or the TLS files cannot be read or generated
   * @throws GeneralSecurityException if the TLS files do not hold a matching certificate and key
   */
  public static RunningWebhook start(WebhookConfig config, AssociationSource source)
      throws IOException, GeneralSecurityException {
    return WebhookServer.start(config, source, null, new WebhookMetrics());
  }

  /**
   * Starts the webhook following {@code config.server()} over HTTP (initial list, change feed,
   * read-through on a miss); the source is closed with the webhook.
   *
   * @throws IllegalArgumentException if the config has no server connection
   */
  public static RunningWebhook start(WebhookConfig config)
      throws IOException, GeneralSecurityException {
    WebhookConfig.ServerConnection server =
        config
            .server()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "webhook config: server '' must be set to follow associations over HTTP"));
    WebhookMetrics metrics = new WebhookMetrics();
    HttpAssociationSource source =
        new HttpAssociationSource(
            server,
            config.clusterName(),
            config.serverTimeout(),
            config.negativeCacheTtl(),
            metrics);
    return WebhookServer.start(config, source, source, metrics);
  }
}
