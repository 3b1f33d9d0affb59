package io.podidentity.agent.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Protects the server: every call that reaches {@code delegate} needs a permit from the bucket of
 * its token and from the overall bucket. Refused calls fail with a retryable error (429 when one
 * token is too busy, 503 when the agent as a whole is) without calling the server. Sits below the
 * cache, so cache hits are never limited.
 */
public final class RateLimitedCredentialSource implements CredentialSource {
  private static final int PRUNE_ABOVE = 4096;

  private final CredentialSource delegate;
  private final TokenBucket overall;
  private final double tokenRate;
  private final int tokenBurst;
  private final ConcurrentHashMap<TokenKey, TokenBucket> perToken = new ConcurrentHashMap<>();
  private final AgentMetrics metrics;
  private final LongSupplier nanos;

  public RateLimitedCredentialSource(
      CredentialSource delegate,
      double overallRate,
      int overallBurst,
      double tokenRate,
      int tokenBurst,
      AgentMetrics metrics,
      LongSupplier nanos) {
    this.delegate = delegate;
    this.overall = new TokenBucket(overallRate, overallBurst, nanos.getAsLong());
    this.tokenRate = tokenRate;
    this.tokenBurst = tokenBurst;
    this.metrics = metrics;
    this.nanos = nanos;
  }

  @Override
  public PodCredentials fetch(String token) {
    long now = nanos.getAsLong();
    TokenBucket mine =
        perToken.computeIfAbsent(
            TokenKey.of(token), k -> new TokenBucket(tokenRate, tokenBurst, now));
    if (!mine.tryAcquire(now)) {
      metrics.rateLimited("token");
      throw AgentErrors.tokenRateLimited();
    }
    if (!overall.tryAcquire(now)) {
      metrics.rateLimited("overall");
      throw AgentErrors.agentRateLimited();
    }
    if (perToken.size() > PRUNE_ABOVE) {
      perToken.values().removeIf(b -> b.isFull(now));
    }
    return delegate.fetch(token);
  }
}
