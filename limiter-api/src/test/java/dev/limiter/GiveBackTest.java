/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.failover.FailoverStore;
import dev.limiter.failover.FailureMode;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import dev.limiter.spi.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Units given back by a rejected multi-limit request go to the state that took them, or nowhere:
 * never to the store that happens to answer at the time of the give-back.
 */
class GiveBackTest {

  private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T10:00:00Z"));
  private final MapStore primary = new MapStore(clock);
  private final Logger julLogger = Logger.getLogger(FailoverStore.class.getName());

  /** Fails every acquire on the {@code account} policy while {@link #failAccount} is set. */
  private final class AccountFails implements RateLimitStore {
    volatile boolean failAccount;

    @Override
    public void apply(String key, Step step, StepResult result) {
      if (failAccount && key.startsWith("account:") && !step.release()) {
        throw new StoreException("injected timeout", new RuntimeException("timeout"));
      }
      primary.apply(key, step, result);
    }
  }

  @BeforeEach
  void quiet() {
    julLogger.setUseParentHandlers(false);
  }

  @AfterEach
  void loud() {
    julLogger.setUseParentHandlers(true);
  }

  /**
   * {@code account} 3 a minute and {@code burst} 1 a minute on one endpoint, {@code account} alone
   * on another. Each second a two-limit request's account call fails (the failure mode takes its
   * unit), burst rejects it, and its account unit is given back; then a request to the other
   * endpoint. The give-back must not reach the store, whose account units it never took.
   */
  @ParameterizedTest
  @EnumSource(
      value = FailureMode.class,
      names = {"FAIL_OPEN", "LOCAL_FALLBACK"})
  void aUnitTakenByTheFailureModeIsNeverGivenBackToTheStore(FailureMode mode) {
    AccountFails flaky = new AccountFails();
    FailoverStore store =
        FailoverStore.builder(flaky).mode(mode).clock(clock).failureThreshold(1000).build();
    RateLimiter limiter =
        RateLimiter.builder()
            .store(store)
            .config(
                RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build())
            .build();
    RateLimitPolicy account = RateLimitPolicy.of("account", "1m", 3, "apiKey");
    EndpointLimits both =
        limiter.limits(List.of(account, RateLimitPolicy.of("burst", "1m", 1, "apiKey")));
    EndpointLimits accountOnly = limiter.limits(List.of(account));

    assertThat(limiter.acquire(both, "k", "k").allowed()).isTrue(); // burst is spent from now on
    int admittedOnAccount = 1;
    for (int second = 0; second < 10; second++) {
      flaky.failAccount = true;
      assertThat(limiter.acquire(both, "k", "k").allowed()).isFalse();
      flaky.failAccount = false;
      if (limiter.acquire(accountOnly, "k").allowed()) {
        admittedOnAccount++;
      }
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(admittedOnAccount).as("account admissions in one minute").isLessThanOrEqualTo(3);
  }
}
