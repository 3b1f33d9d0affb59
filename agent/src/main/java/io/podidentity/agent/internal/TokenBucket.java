package io.podidentity.agent.internal;

/**
 * A token bucket: {@code burst} permits, refilled at {@code ratePerSecond}. Thread-safe; cheap
 * enough to keep one per pod token.
 */
public final class TokenBucket {
  private final double ratePerNano;
  private final double burst;
  private double available;
  private long last;

  public TokenBucket(double ratePerSecond, int burst, long nowNanos) {
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = burst;
    this.available = burst;
    this.last = nowNanos;
  }

  /** Takes one permit if there is one. */
  public synchronized boolean tryAcquire(long nowNanos) {
    refill(nowNanos);
    if (available >= 1) {
      available -= 1;
      return true;
    }
    return false;
  }

  /** True when the bucket is full again: nothing is lost by forgetting it. */
  public synchronized boolean isFull(long nowNanos) {
    refill(nowNanos);
    return available >= burst;
  }

  private void refill(long now) {
    long elapsed = now - last;
    if (elapsed > 0) {
      available = Math.min(burst, available + elapsed * ratePerNano);
      last = now;
    }
  }
}
