/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.readme;

import com.hazelcast.core.HazelcastInstance;
import dev.limiter.LimitResolver;
import dev.limiter.hazelcast.HazelcastStore;
import dev.limiter.spi.RateLimitStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The README's beans that replace the starter's defaults. */
@Configuration
class SpringBeans {

  // spotless:off
  // README: spring beans
  @Bean
  LimitResolver planTiers() {
    return (policy, key) -> key.startsWith("gold-") ? policy.max() * 10 : policy.max();
  }

  @Bean
  RateLimitStore rateLimitStore(HazelcastInstance member) {   // closed by Spring, not by the limiter
    return HazelcastStore.builder().instance(member).build();
  }
  // README end
  // spotless:on
}
