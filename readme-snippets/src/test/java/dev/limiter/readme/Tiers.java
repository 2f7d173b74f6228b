/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.readme;

import dev.limiter.RateLimiter;

/** The README's per-key limits. */
final class Tiers {

  private Tiers() {}

  static RateLimiter limiter() {
    // spotless:off
    // README: limit resolver
    RateLimiter limiter = RateLimiter.builder()
        .limitResolver((policy, key) -> key.startsWith("gold-") ? policy.max() * 10 : policy.max())
        .build();
    // README end
    // spotless:on
    return limiter;
  }
}
