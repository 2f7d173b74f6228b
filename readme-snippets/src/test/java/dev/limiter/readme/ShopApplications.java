/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.readme;

import dev.limiter.RateLimiter;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.http.HttpContract;
import dev.limiter.jaxrs.RateLimitFeature;
import org.glassfish.jersey.server.ResourceConfig;

/** The README's ways to register the JAX-RS feature. */
final class ShopApplications {

  private ShopApplications() {}

  static final class WithBuilder extends ResourceConfig {
    WithBuilder() {
      // spotless:off
      // README: jaxrs register builder
      register(RateLimitFeature.builder()
          .store(CaffeineStore.builder().maximumSize(100_000).build())
          .limitResolver((policy, key) -> key.startsWith("gold-") ? policy.max() * 10 : policy.max())
          .build());
      // README end
      // spotless:on
    }
  }

  static final class WithLimiter extends ResourceConfig {
    WithLimiter() {
      // spotless:off
      // README: jaxrs register limiter
      RateLimiter limiter = RateLimiter.builder().store(CaffeineStore.ofDefaults()).build();
      register(new RateLimitFeature(limiter, HttpContract.from(limiter.config())));
      // README end
      // spotless:on
    }
  }
}
