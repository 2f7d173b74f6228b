/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.caffeine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.Decision;
import dev.limiter.EndpointLimits;
import dev.limiter.ManualClock;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's engine example, run as written (with a manual clock to check the figures). */
class ReadmeExampleTest {

  @Test
  void theHourlyAccountLimitFromTheReadme() {
    ManualClock clock = ManualClock.at(Instant.parse("2026-05-01T12:00:00Z"));
    RateLimitConfig isolated =
        RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build();
    try (CaffeineStore store = CaffeineStore.builder().maximumSize(1_000_000).clock(clock).build();
        RateLimiter limiter = RateLimiter.builder().store(store).config(isolated).build()) {

      EndpointLimits hourly =
          limiter.limits(List.of(RateLimitPolicy.of("account", "60m", 1000, "apiKey")));

      Decision decision = limiter.acquire(hourly, "account-42");
      assertThat(decision.allowed()).isTrue();
      assertThat(decision.remaining()).isEqualTo(999);
      assertThat(decision.resetAfter())
          .isEqualTo(Duration.ofSeconds(3_672)); // an hour and one 72 s sub-window
      for (int i = 0; i < 999; i++) {
        limiter.acquire(hourly, "account-42");
      }
      Decision spent = limiter.acquire(hourly, "account-42");
      assertThat(spent.allowed()).isFalse();
      assertThat(spent.retryAfter())
          .isEqualTo(Duration.ofSeconds(3_672)); // an hour and one 72 s sub-window
      assertThat(limiter.acquire(hourly, "account-43").allowed()).isTrue();
    }
  }
}
