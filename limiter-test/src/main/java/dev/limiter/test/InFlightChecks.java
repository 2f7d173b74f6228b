/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.Admission;
import dev.limiter.Decision;
import dev.limiter.EndpointLimits;
import dev.limiter.LimitKind;
import dev.limiter.LimitStatus;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import dev.limiter.spi.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Limits on requests in flight through the engine: never more slots held than the limit, each given
 * back once at completion, a rejection by either kind of limit taking nothing from the other, and
 * the lease: a slot that its limiter stopped renewing comes back after the lease and a fiftieth,
 * one it renews is kept. Run as {@link StoreCompatibilityKit}'s {@code InFlight} group.
 */
abstract class InFlightChecks extends EngineChecks {

  private static final RateLimitPolicy RUNS = RateLimitPolicy.concurrency("runs", 3, "apiKey");
  private static final Duration LEASE = RateLimitPolicy.DEFAULT_LEASE;

  /** How long an admitted request of the concurrency tests holds its slot before it completes. */
  private static final long HOLD_NANOS = 20_000;

  @Test
  void concurrentRequestsNeverHoldMoreThanMaxSlotsAndGiveEveryOneBack() throws Exception {
    try (RateLimiter limiter = limiter()) {
      EndpointLimits limits = limiter.limits(List.of(RUNS));
      Holders holders = new Holders();
      AtomicInteger admitted = new AtomicInteger();
      AtomicInteger rejected = new AtomicInteger();
      AtomicReference<Decision> aRejection = new AtomicReference<>();
      int rounds = attempts() / THREADS;
      inParallel(
          THREADS,
          thread -> {
            for (int i = 0; i < rounds; i++) {
              Admission admission = limiter.admit(limits, "k");
              if (admission.allowed()) {
                holders.enter();
                admitted.incrementAndGet();
                LockSupport.parkNanos(HOLD_NANOS);
                holders.leave();
                admission.complete(200);
              } else {
                rejected.incrementAndGet();
                aRejection.compareAndSet(null, decision(admission));
                admission.complete(429); // holds nothing: harmless
              }
            }
          });
      assertThat(holders.max()).as("requests holding a slot at once").isBetween(1, 3);
      assertThat(admitted.get()).as("admitted of %d", THREADS * rounds).isPositive();
      assertThat(rejected.get()).as("rejected: the requests raced for the slots").isPositive();
      assertThat(status(Objects.requireNonNull(aRejection.get(), "a rejection"), "runs"))
          .returns(LimitKind.CONCURRENCY, LimitStatus::kind)
          .returns(0L, LimitStatus::remaining)
          .returns(Duration.ofSeconds(1), LimitStatus::retryAfter);
      assertThat(limiter.inFlight()).as("requests in flight after every one completed").isZero();

      Admission fresh = limiter.admit(limits, "k");
      assertThat(decision(fresh))
          .as("every slot came back")
          .returns(true, Decision::allowed)
          .returns(2L, Decision::remaining);
      assertThat(limiter.inFlight()).isEqualTo(1);
      fresh.complete(200);
      assertThat(limiter.inFlight()).isZero();
      assertThat(remaining(RUNS, "k")).isEqualTo(3);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aRequestRejectedByOneKindOfLimitTakesNothingFromTheOther(boolean reversed) {
    RateLimitPolicy runs = RateLimitPolicy.concurrency("runs", 2, "apiKey");
    RateLimitPolicy hourly = RateLimitPolicy.of("hourly", "60m", 3, "apiKey");
    try (RateLimiter limiter = limiter()) {
      EndpointLimits limits =
          limiter.limits(reversed ? List.of(hourly, runs) : List.of(runs, hourly));
      Admission first = limiter.admit(limits, "k", "k");
      Admission second = limiter.admit(limits, "k", "k");
      assertThat(first.allowed() && second.allowed()).isTrue();

      Admission noSlot = limiter.admit(limits, "k", "k");
      assertThat(decision(noSlot).violatedPolicies()).containsExactly("runs");
      assertThat(noSlot.completed()).as("a rejection holds nothing").isTrue();
      assertThat(remaining(hourly, "k")).as("the request without a slot took no unit").isEqualTo(1);
      assertThat(limiter.inFlight()).isEqualTo(2);

      first.complete(200);
      Admission third = limiter.admit(limits, "k", "k");
      assertThat(third.allowed()).isTrue();
      assertThat(remaining(hourly, "k")).isZero();
      second.complete(200);
      third.complete(200);
      assertThat(limiter.inFlight()).isZero();

      Admission noUnit = limiter.admit(limits, "k", "k");
      assertThat(decision(noUnit).violatedPolicies()).containsExactly("hourly");
      assertThat(remaining(runs, "k")).as("the request without a unit took no slot").isEqualTo(2);
      assertThat(limiter.inFlight()).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void concurrentRequestsUnderBothKindsAdmitExactlyTheRateWithinTheSlots(boolean reversed)
      throws Exception {
    RateLimitPolicy hourly = RateLimitPolicy.of("hourly", "60m", 50, "apiKey");
    try (RateLimiter limiter = limiter()) {
      EndpointLimits limits =
          limiter.limits(reversed ? List.of(hourly, RUNS) : List.of(RUNS, hourly));
      Holders holders = new Holders();
      AtomicInteger admitted = new AtomicInteger();
      int rounds = attempts() / THREADS;
      inParallel(
          THREADS,
          thread -> {
            for (int i = 0; i < rounds; i++) {
              Admission admission = limiter.admit(limits, "k", "k");
              if (admission.allowed()) {
                holders.enter();
                admitted.incrementAndGet();
                LockSupport.parkNanos(HOLD_NANOS);
                holders.leave();
                admission.complete(200);
              }
            }
          });
      assertThat(admitted.get())
          .as(
              "admitted of %d: every request that found no slot gave its unit back, so exactly the"
                  + " rate",
              THREADS * rounds)
          .isEqualTo(50);
      assertThat(holders.max()).as("requests holding a slot at once").isBetween(1, 3);
      assertThat(limiter.inFlight()).isZero();
      assertThat(remaining(RUNS, "k")).as("every slot came back").isEqualTo(3);
      assertThat(remaining(hourly, "k")).isZero();
    }
  }

  @Test
  void theSlotsOfALimiterThatStoppedComeBackAfterTheLeaseAndAFiftieth() {
    List<Admission> running = new ArrayList<>();
    try (RateLimiter stopped = limiter()) {
      EndpointLimits held = stopped.limits(List.of(RUNS));
      for (int i = 0; i < 3; i++) {
        running.add(stopped.admit(held, "k"));
      }
    } // as a node that died: nothing renews the slots, and nothing completes them
    assertThat(running).allMatch(Admission::allowed);

    try (RateLimiter other = limiter()) {
      EndpointLimits limits = other.limits(List.of(RUNS));
      Duration back = LEASE.plus(LEASE.dividedBy(Step.SUB_WINDOWS)); // START: a sub-window boundary
      clock().advance(LEASE);
      assertThat(other.admit(limits, "k").allowed()).as("at the lease").isFalse();
      clock().set(StoreCompatibilityKit.START.plus(back).minusNanos(1));
      assertThat(other.admit(limits, "k").allowed()).as("1 ns before lease + a fiftieth").isFalse();
      clock().advanceNanos(1);
      Admission admitted = other.admit(limits, "k");
      assertThat(decision(admitted))
          .as("at lease + a fiftieth every slot is back")
          .returns(true, Decision::allowed)
          .returns(2L, Decision::remaining);
      admitted.complete(200);
    }
  }

  @Test
  void aSlotThatItsLimiterRenewsIsKeptAcrossLeasesAndGivenBackAtCompletion() {
    try (RateLimiter holder = limiter();
        RateLimiter other = limiter()) {
      EndpointLimits held = holder.limits(List.of(RUNS));
      EndpointLimits limits = other.limits(List.of(RUNS));
      List<Admission> running = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        running.add(holder.admit(held, "k"));
      }
      Duration step = LEASE.dividedBy(3);
      for (int i = 1; i <= 12; i++) { // four leases
        clock().advance(step);
        assertThat(holder.renewLeases()).isEqualTo(3);
        assertThat(other.admit(limits, "k").allowed())
            .as("another limiter's request after %s", step.multipliedBy(i))
            .isFalse();
      }
      assertThat(remaining(RUNS, "k")).as("renewals took no extra slot for good").isZero();
      running.forEach(admission -> admission.complete(200));
      assertThat(holder.inFlight()).isZero();
      Admission admitted = other.admit(limits, "k");
      assertThat(decision(admitted))
          .as("completion gave back the renewed slots")
          .returns(true, Decision::allowed)
          .returns(2L, Decision::remaining);
      admitted.complete(200);
    }
  }
}
