/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.Admission;
import dev.limiter.Algorithm;
import dev.limiter.Decision;
import dev.limiter.EndpointLimits;
import dev.limiter.LimitResolver;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a request's outcome changes, through the engine: limits that count only some statuses,
 * refunds and charges of application code, and keys the {@link LimitResolver} exempts. Run as
 * {@link StoreCompatibilityKit}'s {@code ByOutcome} group.
 */
abstract class OutcomeChecks extends EngineChecks {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  @Test
  void concurrentRequestsCountOnlyTheResponsesThatMatchCountOn() throws Exception {
    RateLimitPolicy login = RateLimitPolicy.of("login", "15m", 5, "ip").withCountOn("401");
    String address = "203.0.113.7";
    try (RateLimiter limiter = limiter()) {
      EndpointLimits limits = limiter.limits(List.of(login));
      Holders holders = new Holders();
      AtomicInteger failed = new AtomicInteger();
      AtomicInteger succeeded = new AtomicInteger();
      int rounds = attempts() / THREADS;
      // one success first, so that a success is among those admitted whatever the threads draw
      // (five failures in a row would otherwise spend the limit before any success came)
      Admission first = limiter.admit(limits, Request.from(address));
      assertThat(first.allowed()).isTrue();
      succeeded.incrementAndGet();
      first.complete(200);
      inParallel(
          THREADS,
          thread -> {
            for (int i = 0; i < rounds; i++) {
              Admission admission = limiter.admit(limits, Request.from(address));
              if (admission.allowed()) {
                holders.enter();
                boolean wrongPassword = ThreadLocalRandom.current().nextBoolean();
                (wrongPassword ? failed : succeeded).incrementAndGet();
                LockSupport.parkNanos(20_000);
                holders.leave();
                admission.complete(wrongPassword ? 401 : 200);
              }
            }
          });
      assertThat(failed.get())
          .as(
              "401s admitted in the window, of %d attempts: at most 5, and exactly 5 since the"
                  + " 200s gave their units back",
              THREADS * rounds)
          .isEqualTo(5);
      assertThat(succeeded.get()).as("200s admitted").isPositive();
      assertThat(holders.max())
          .as("requests in flight at once, each holding a unit")
          .isBetween(1, 5);
      assertThat(limiter.inFlight()).as("countOn alone holds no slot").isZero();
      assertThat(remaining(login, address)).isZero();
      assertThat(limiter.admit(limits, Request.from(address)).allowed()).isFalse();

      clock().advance(Duration.ofMinutes(15).plusSeconds(90)); // the window and a tenth
      assertThat(remaining(login, address)).isEqualTo(5);
    }
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void aRefundGivesBackWhatTheRequestTookAndAChargeTakesUpToWhatIsLeft(Algorithm algorithm) {
    RateLimitPolicy tokens = new RateLimitPolicy("tokens", MINUTE, 10, "apiKey", 1, algorithm);
    try (RateLimiter limiter = limiter()) {
      EndpointLimits limits = limiter.limits(List.of(tokens));
      Admission first = limiter.admit(limits, "k");
      assertThat(remaining(tokens, "k")).isEqualTo(9);
      assertThat(first.charge("tokens", 4)).isEqualTo(4);
      assertThat(remaining(tokens, "k")).isEqualTo(5);

      Admission second = limiter.admit(limits, "k");
      assertThat(second.charge("tokens", 10)).as("only 4 were left").isEqualTo(4);
      assertThat(remaining(tokens, "k")).isZero();
      assertThat(limiter.admit(limits, "k").allowed()).isFalse();

      second.refund();
      assertThat(remaining(tokens, "k")).as("its own unit and its charge").isEqualTo(5);
      first.refund("tokens");
      assertThat(remaining(tokens, "k")).as("every unit back, none more").isEqualTo(10);

      Admission third = limiter.admit(limits, "k");
      first.refund();
      second.refund();
      assertThat(remaining(tokens, "k"))
          .as("second refunds give back nothing, not even the unit taken since")
          .isEqualTo(9);
      third.complete(200);
      first.complete(200);
      second.complete(200);
      assertThat(remaining(tokens, "k"))
          .as("after refunds and completion: the third's unit stays counted")
          .isEqualTo(9);
    }
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void aRefundAfterTheWindowPassedGivesNothingBack(Algorithm algorithm) {
    RateLimitPolicy tokens = new RateLimitPolicy("tokens", MINUTE, 10, "apiKey", 1, algorithm);
    try (RateLimiter limiter = limiter()) {
      EndpointLimits limits = limiter.limits(List.of(tokens));
      Admission old = limiter.admit(limits, "k");
      assertThat(old.charge("tokens", 2)).isEqualTo(2);
      assertThat(remaining(tokens, "k")).isEqualTo(7);

      clock().advance(MINUTE.plusSeconds(6)); // the window and a tenth: the old units are back
      assertThat(limiter.admit(limits, "k").allowed()).isTrue();
      assertThat(remaining(tokens, "k")).isEqualTo(9);
      old.refund();
      assertThat(remaining(tokens, "k"))
          .as("the refund of units that left the window gave back none taken since")
          .isEqualTo(9);
    }
  }

  @Test
  void aKeyTheResolverExemptsIsAdmittedWithoutLimitsAndCountsNothing() {
    RateLimitPolicy runs = RateLimitPolicy.concurrency("runs", 1, "apiKey");
    RateLimitPolicy hourly = RateLimitPolicy.of("hourly", "60m", 2, "apiKey").withCountOn("2xx");
    LimitResolver ops = (policy, key) -> key.equals("ops") ? LimitResolver.UNLIMITED : policy.max();
    try (RateLimiter limiter = limiter(ops)) {
      EndpointLimits limits = limiter.limits(List.of(runs, hourly));
      for (int i = 0; i < 5; i++) {
        Admission exempt =
            i % 2 == 0
                ? limiter.admit(limits, "ops", "ops")
                : limiter.admit(limits, Request.withApiKey("ops"));
        assertThat(decision(exempt))
            .returns(true, Decision::allowed)
            .returns(true, Decision::exempt)
            .returns(List.of(), Decision::limits)
            .returns(null, Decision::reported);
        assertThat(exempt.completed()).as("an exempt request holds nothing").isTrue();
        assertThat(limiter.inFlight()).isZero();
        exempt.complete(200);
      }
      assertThat(remaining(runs, "ops")).isEqualTo(1);
      assertThat(remaining(hourly, "ops")).isEqualTo(2);

      Admission limited = limiter.admit(limits, "k", "k");
      assertThat(decision(limited).exempt()).isFalse();
      assertThat(limiter.admit(limits, "k", "k").allowed())
          .as("the other keys are limited")
          .isFalse();
      limited.complete(200);
    }
  }
}
