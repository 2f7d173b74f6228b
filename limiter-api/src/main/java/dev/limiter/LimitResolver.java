/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

/**
 * Gives the limit for one key of one policy: plan tiers, a key's own hourly limit.
 *
 * <pre>{@code
 * LimitResolver tiers = (policy, key) -> key.startsWith("gold-") ? policy.max() * 10 : policy.max();
 * LimitResolver internal = (policy, key) -> key.startsWith("ops-") ? UNLIMITED : policy.max();
 * }</pre>
 *
 * <p>Called on every request, so it should answer from memory. When a key's limit changes, the
 * units it already used count against the new limit.
 */
@FunctionalInterface
public interface LimitResolver {

  /**
   * What {@link #limit} returns for a key that the policy does not limit: its requests are not
   * counted and carry no header field of the policy. Distinct from 0, which rejects every request.
   */
  long UNLIMITED = Long.MAX_VALUE;

  /**
   * Returns the limit for {@code key} under {@code policy}.
   *
   * @param policy the policy, after configuration overrides
   * @param key the resolved key, as described on {@link RateLimiter}: for {@code key = "apiKey"}
   *     the API key itself
   * @return units per window for this key, from 0 (every request rejected) to {@value
   *     dev.limiter.spi.Step#MAX_LIMIT}, or {@link #UNLIMITED} to exempt the key
   */
  long limit(RateLimitPolicy policy, String key);

  /**
   * Returns the resolver that gives every key its policy's {@code max}.
   *
   * @return the default resolver
   */
  static LimitResolver policyMax() {
    return (policy, key) -> policy.max();
  }
}
