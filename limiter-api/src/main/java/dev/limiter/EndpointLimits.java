/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import dev.limiter.spi.Step;
import java.util.List;

/**
 * The limits of one endpoint, validated and with overrides applied, ready to decide requests. Built
 * once per endpoint by {@link RateLimiter#limitsFor} or {@link RateLimiter#limits}.
 *
 * <p>Immutable and thread-safe.
 */
public final class EndpointLimits {

  private final List<RateLimitPolicy> policies;
  private final KeyExpression[] keys;
  private final long[] windowNanos;
  private final String[] keyPrefixes;
  private final Step[] acquireSteps;

  EndpointLimits(List<RateLimitPolicy> policies) {
    this.policies = List.copyOf(policies);
    this.keys = new KeyExpression[policies.size()];
    this.windowNanos = new long[policies.size()];
    this.keyPrefixes = new String[policies.size()];
    this.acquireSteps = new Step[policies.size()];
    for (int i = 0; i < keys.length; i++) {
      RateLimitPolicy policy = this.policies.get(i);
      keys[i] = KeyExpression.parse(policy.key());
      windowNanos[i] = policy.window().toNanos();
      keyPrefixes[i] = policy.name() + ':';
      acquireSteps[i] =
          Step.acquire(policy.algorithm(), windowNanos[i], policy.max(), policy.cost());
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

  /** Returns the start of the policy's store keys: its name and a colon. */
  String keyPrefix(int index) {
    return keyPrefixes[index];
  }

  /**
   * Returns the step that takes the policy's cost under {@code limit}; made once for its own max.
   */
  Step acquireStep(int index, long limit) {
    Step step = acquireSteps[index];
    return limit == step.limit()
        ? step
        : Step.acquire(step.algorithm(), step.windowNanos(), limit, step.cost());
  }

  @Override
  public String toString() {
    return "EndpointLimits" + policies;
  }
}
