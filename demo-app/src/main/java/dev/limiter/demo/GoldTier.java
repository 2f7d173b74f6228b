/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo;

import dev.limiter.LimitResolver;
import dev.limiter.RateLimitPolicy;

/**
 * The demo's plan tier: API keys that start with {@code gold-} get ten times every limit, and keys
 * that start with {@code internal-} (monitoring) are exempt from every limit.
 */
final class GoldTier implements LimitResolver {

  @Override
  public long limit(RateLimitPolicy policy, String key) {
    if (key.startsWith("internal-")) {
      return UNLIMITED; // the demo's monitoring keys: not counted, no header fields
    }
    return key.startsWith("gold-") ? Math.min(policy.max() * 10, Integer.MAX_VALUE) : policy.max();
  }
}
