package dev.limiter;

import java.util.List;

/**
 * The limits of one endpoint, validated and with overrides applied, ready to decide requests.
 * Built once per endpoint by {@link RateLimiter#limitsFor} or {@link RateLimiter#limits}.
 *
 * <p>Immutable and thread-safe.
 */
public final class EndpointLimits {

  private final List<RateLimitPolicy> policies;
  private final KeyExpression[] keys;
  private final long[] windowNanos;

  EndpointLimits(List<RateLimitPolicy> policies) {
    this.policies = List.copyOf(policies);
    this.keys = new KeyExpression[policies.size()];
    this.windowNanos = new long[policies.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = KeyExpression.parse(this.policies.get(i).key());
      windowNanos[i] = this.policies.get(i).window().toNanos();
    }
  }

  /**
   * Returns the policies, in the order they are taken: class-level first, then the method's, each
   * in declaration order.
   *
   * @return the policies
   */
  public List<RateLimitPolicy> policies() {
    return policies;
  }

  /**
   * Returns whether the endpoint has no limit, in which case adapters leave it alone.
   *
   * @return true when there is nothing to enforce
   */
  public boolean isEmpty() {
    return policies.isEmpty();
  }

  int size() {
    return keys.length;
  }

  RateLimitPolicy policy(int index) {
    return policies.get(index);
  }

  KeyExpression key(int index) {
    return keys[index];
  }

  long windowNanos(int index) {
    return windowNanos[index];
  }

  @Override
  public String toString() {
    return "EndpointLimits" + policies;
  }
}
