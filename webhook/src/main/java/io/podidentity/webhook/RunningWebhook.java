package io.podidentity.webhook;

import java.net.URI;
import java.util.Optional;

/** A started webhook; {@link #close()} stops its listeners, TLS watcher and association source. */
public interface RunningWebhook extends AutoCloseable {
  /** The bound HTTPS port (the real one when configured as 0). */
  int port();

  /** {@code https://<host>:<port>/mutate}, for a MutatingWebhookConfiguration or a test. */
  URI mutateUri();

  /** The plain-HTTP metrics/probe port, if one was configured. */
  Optional<Integer> metricsPort();

  /**
   * The PEM bundle a client (the kube-apiserver's {@code caBundle}) must trust: the generated
   * certificate in self-signed mode, else the serving certificate chain as currently loaded.
   */
  String caBundlePem();

  /** Whether TLS material is loaded and the association source is ready. */
  boolean ready();

  @Override
  void close();
}
