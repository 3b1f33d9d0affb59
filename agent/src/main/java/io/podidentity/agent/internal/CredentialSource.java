package io.podidentity.agent.internal;

import io.podidentity.api.ApiException;

/**
 * Exchanges a pod's service-account token for temporary credentials. The one seam of the agent's
 * credential path: the EKS Auth client implements it, the rate limiter and the cache decorate it.
 */
public interface CredentialSource {
  /**
   * Credentials for {@code token}.
   *
   * @throws ApiException with the code and the HTTP status the agent answers the pod with (see
   *     {@link AgentErrors}); 4xx for permanent faults, 429/5xx for transient ones
   */
  PodCredentials fetch(String token);
}
