/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.readme;

import dev.limiter.*;
import dev.limiter.caffeine.CaffeineStore;
import java.util.List;

/** The README's engine used without an adapter; its imports are the README's. */
final class EngineDirectly {

  private EngineDirectly() {}

  static void run() {
    // spotless:off
    // README: engine directly
    try (CaffeineStore store = CaffeineStore.builder().maximumSize(1_000_000).build();
         RateLimiter limiter = RateLimiter.builder().store(store).build()) {

      // 1,000 requests per rolling 60 minutes per account (build once, reuse)
      EndpointLimits hourly =
          limiter.limits(List.of(RateLimitPolicy.of("account", "60m", 1000, "apiKey")));

      Decision decision = limiter.acquire(hourly, "account-42");
      if (!decision.allowed()) {
        // tell the caller to come back after decision.retryAfter(); over HTTP, Retry-After:
        // decision.retryAfterSeconds(), the value the adapters send
      }
      System.out.println(decision.remaining() + " left, full again in " + decision.resetAfter());
    }
    // README end
    // spotless:on
  }
}
