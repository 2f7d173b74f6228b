/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.Algorithm;
import dev.limiter.Decision;
import dev.limiter.EndpointLimits;
import dev.limiter.LimitStatus;
import dev.limiter.ManualClock;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tests every {@link RateLimitStore} passes: the algorithms driven through the store by a
 * {@link ManualClock}, all-or-nothing decisions through the {@link RateLimiter} engine, releases,
 * limit changes, idle-key expiry, and admissions counted exactly under concurrency; and, through a
 * limiter on the store, limits on requests in flight and their leases, limits that count by status,
 * refunds and charges, exempt keys and idempotent retries. Each group is a {@link Nested} class
 * that a report shows apart. Published as {@code dev.limiter:limiter-test}; a store module adds it
 * at test scope and extends it in a few lines:
 *
 * <pre>{@code
 * class CaffeineStoreTest extends StoreCompatibilityKit {
 *   @Override
 *   protected RateLimitStore createStore(ManualClock clock) {
 *     return CaffeineStore.builder().clock(clock).build();
 *   }
 * }
 * }</pre>
 *
 * <p>What the kit needs from the store: it reads time from the clock it is given; it holds at least
 * 10,000 keys; every call of {@link RateLimitStore#apply}, rejections included, counts as an update
 * that restarts the key's expiry. Each test gets a new store and a clock at {@link #START}; the
 * whole kit takes a few seconds.
 *
 * <p>This file is longer than the project's files usually are (about 850 lines) because JUnit runs
 * {@link Nested} groups only as inner classes of the class a store's test extends: the groups are
 * the seams, and each stays short. The groups that go through a limiter keep their tests in files
 * of their own, which their {@link Nested} class here extends.
 */
public abstract class StoreCompatibilityKit {

  /** Where the clock starts in every test: 2026-03-02T09:00:00Z, on a whole hour. */
  protected static final Instant START = Instant.parse("2026-03-02T09:00:00Z");

  private static final Duration SECOND = Duration.ofSeconds(1);
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Duration HOUR = Duration.ofHours(1);
  private static final int THREADS = 8;

  private final ManualClock clock = ManualClock.at(START);
  private RateLimitStore store = new UnusedStore();

  /** Creates the kit; a subclass only implements {@link #createStore}. */
  protected StoreCompatibilityKit() {}

  /**
   * Creates an empty store that reads time from {@code clock}. Called once before every test.
   *
   * @param clock the clock the store reads; the tests move it
   * @return a new, empty store
   */
  protected abstract RateLimitStore createStore(ManualClock clock);

  /**
   * Returns how many keys {@code store} holds now, after any pending clean-up, so that the kit can
   * check that idle keys are dropped. Keys that hold no units may be counted until the store has
   * dropped them; keys that still hold units must be counted.
   *
   * @param store a store made by {@link #createStore}
   * @return the number of keys, or -1 (the default) when the store cannot tell; the kit then checks
   *     only that an expired key decides as a fresh one
   */
  protected long storedKeys(RateLimitStore store) {
    return -1;
  }

  /**
   * Lets at least {@code idle} pass for the store's expiry of idle keys. The default moves the
   * clock by exactly {@code idle}. A store whose expiry is coarser than the clock (a timer wheel, a
   * time-to-live in whole seconds) moves it a few seconds further, and one that keeps keys longer
   * than they need in proportion to their expiry moves it that much further; one whose expiry runs
   * on its own clock also lets that clock pass. The kit never asks for more than a small part of
   * {@code expiry} beyond {@code idle} to be kept.
   *
   * @param store a store made by {@link #createStore}
   * @param clock the clock the store reads
   * @param idle how long the keys must have been idle, at least
   * @param expiry the keys' {@link Step#expiryNanos()}
   */
  protected void advanceExpiry(
      RateLimitStore store, ManualClock clock, Duration idle, Duration expiry) {
    clock.advance(idle);
  }

  /**
   * Returns how many requests each concurrency test makes in all, spread over {@value #THREADS}
   * threads, against a limit of 1,000. The default is 20,000; a store behind a network may make
   * fewer, but at least 4,000, so that most requests still race for the last units. The groups that
   * go through a limiter make as many requests (a quarter of them for idempotent retries) on 32
   * threads.
   *
   * @return the number of attempts, at least 4,000
   */
  protected int concurrentAttempts() {
    return 20_000;
  }

  /**
   * Returns how many keys the many-keys test spreads its requests over (every thread tries every
   * key once). The default is 10,000; a store behind a network may use fewer, at least 1,000.
   *
   * @return the number of keys, at least 1,000
   */
  protected int concurrentKeys() {
    return 10_000;
  }

  /**
   * Returns the clock of the running test, for a subclass's own tests.
   *
   * @return the clock the store reads
   */
  protected final ManualClock clock() {
    return clock;
  }

  /**
   * Returns the store of the running test, for a subclass's own tests.
   *
   * @return the store made by {@link #createStore} for this test
   */
  protected final RateLimitStore store() {
    return store;
  }

  @BeforeEach
  final void createStoreAtStart() {
    clock.set(START);
    store = createStore(clock);
  }

  @AfterEach
  final void closeStore() {
    store.close();
  }

  /** The algorithms driven through the store by the clock. */
  @Nested
  class Algorithms {

    @Test
    void slidingWindowNeverAdmitsMoreThanMaxInAWindowAndGivesUnitsBackOneSubWindowLate() {
      long back = (Step.SUB_WINDOWS + 1) * ceilDiv(SECOND.toNanos(), Step.SUB_WINDOWS); // 1.02 s
      assertAdmitted(take("k", Algorithm.SLIDING_WINDOW, SECOND, 3, 1), 2, back);
      clock.advance(Duration.ofMillis(500));
      assertAdmitted(take("k", Algorithm.SLIDING_WINDOW, SECOND, 3, 2), 0, back);
      assertRejected(take("k", Algorithm.SLIDING_WINDOW, SECOND, 3, 1), 0, back - millis(500));

      clock.set(START.plus(SECOND)); // [START, START + 1 s] still holds the first unit
      assertRejected(take("k", Algorithm.SLIDING_WINDOW, SECOND, 3, 1), 0, back - millis(1000));
      clock.set(START.plusNanos(back - 1));
      assertRejected(take("k", Algorithm.SLIDING_WINDOW, SECOND, 3, 1), 0, 1);
      clock.advanceNanos(1);
      assertAdmitted(take("k", Algorithm.SLIDING_WINDOW, SECOND, 3, 1), 0, back);
      assertRejected(take("k", Algorithm.SLIDING_WINDOW, SECOND, 3, 1), 0, millis(500));

      clock.set(START.plusNanos(back + millis(500)));
      assertAdmitted(take("k", Algorithm.SLIDING_WINDOW, SECOND, 3, 2), 0, back);
      assertRejected(take("k", Algorithm.SLIDING_WINDOW, SECOND, 3, 1), 0, back - millis(500));
    }

    @Test
    void aReusedResultHolderKeepsNothingOfTheDecisionBefore() {
      Step rejected = Step.acquire(Algorithm.FIXED_WINDOW, MINUTE.toNanos(), 0, 1);
      StepResult holder = new StepResult();
      for (Algorithm algorithm : Algorithm.values()) {
        Step step = Step.acquire(algorithm, MINUTE.toNanos(), 5, 2);
        store.apply("rejected-" + algorithm, rejected, holder);
        assertThat(holder.allowed()).isFalse();
        store.apply("reused-" + algorithm, step, holder);
        StepResult fresh = store.apply("fresh-" + algorithm, step);
        assertThat(holder)
            .as(algorithm.toString())
            .usingRecursiveComparison()
            .ignoringFields("generation") // each key's state has its own
            .isEqualTo(fresh);
        assertThat(holder.generation()).isNotZero().isNotEqualTo(fresh.generation());
        assertThat(holder.allowed()).isTrue();
        assertThat(holder.remaining()).isEqualTo(3);
        assertThat(holder.stampNanos()).isEqualTo(clock.epochNanos());
      }
    }

    @Test
    void fixedWindowResetsExactlyAtTheWindowBoundary() {
      clock.set(START.plusSeconds(20));
      for (long remaining = 2; remaining >= 0; remaining--) {
        assertAdmitted(take("k", Algorithm.FIXED_WINDOW, MINUTE, 3, 1), remaining, seconds(40));
      }
      assertRejected(take("k", Algorithm.FIXED_WINDOW, MINUTE, 3, 1), 0, seconds(40));
      clock.set(START.plus(MINUTE).minusNanos(1));
      assertRejected(take("k", Algorithm.FIXED_WINDOW, MINUTE, 3, 1), 0, 1);
      clock.advanceNanos(1);
      assertAdmitted(take("k", Algorithm.FIXED_WINDOW, MINUTE, 3, 3), 0, seconds(60));
      assertRejected(take("k", Algorithm.FIXED_WINDOW, MINUTE, 3, 1), 0, seconds(60));
    }

    @Test
    void dailyFixedWindowResetsAtMidnightUtc() {
      Duration day = Duration.ofDays(1);
      clock.set(Instant.parse("2026-03-14T10:15:00Z"));
      long untilMidnight = Duration.ofHours(13).plusMinutes(45).toNanos();
      assertAdmitted(take("k", Algorithm.FIXED_WINDOW, day, 2, 1), 1, untilMidnight);
      assertAdmitted(take("k", Algorithm.FIXED_WINDOW, day, 2, 1), 0, untilMidnight);
      assertRejected(take("k", Algorithm.FIXED_WINDOW, day, 2, 1), 0, untilMidnight);
      clock.set(Instant.parse("2026-03-14T23:59:59.999999999Z"));
      assertRejected(take("k", Algorithm.FIXED_WINDOW, day, 2, 1), 0, 1);
      clock.set(Instant.parse("2026-03-15T00:00:00Z"));
      assertAdmitted(take("k", Algorithm.FIXED_WINDOW, day, 2, 1), 1, day.toNanos());
    }

    @Test
    void tokenBucketAllowsABurstOfMaxAndRefillsOneUnitEveryWindowOverMax() {
      long interval = millis(250); // 1 s / 4
      for (int used = 1; used <= 4; used++) {
        assertAdmitted(take("k", Algorithm.TOKEN_BUCKET, SECOND, 4, 1), 4 - used, used * interval);
      }
      assertRejected(take("k", Algorithm.TOKEN_BUCKET, SECOND, 4, 1), 0, interval);
      clock.advanceNanos(interval - 1);
      assertRejected(take("k", Algorithm.TOKEN_BUCKET, SECOND, 4, 1), 0, 1);
      clock.advanceNanos(1);
      assertAdmitted(take("k", Algorithm.TOKEN_BUCKET, SECOND, 4, 1), 0, 4 * interval);
      assertRejected(take("k", Algorithm.TOKEN_BUCKET, SECOND, 4, 1), 0, interval);

      clock.advanceNanos(2 * interval);
      assertThat(admissions("k", Algorithm.TOKEN_BUCKET, SECOND, 4, 10)).isEqualTo(2);
      clock.advance(Duration.ofSeconds(10));
      assertThat(admissions("k", Algorithm.TOKEN_BUCKET, SECOND, 4, 10))
          .as("a long idle time still fills the bucket to max only")
          .isEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void requestsCostingSeveralUnitsTakeThemAllOrNone(Algorithm algorithm) {
      assertThat(take("k", algorithm, MINUTE, 5, 2))
          .returns(true, StepResult::allowed)
          .returns(3L, StepResult::remaining);
      assertThat(take("k", algorithm, MINUTE, 5, 2))
          .returns(true, StepResult::allowed)
          .returns(1L, StepResult::remaining);
      StepResult rejected = take("k", algorithm, MINUTE, 5, 2);
      assertThat(rejected)
          .as(
              "remaining stays above 0 on a rejection when the request costs more than what is"
                  + " left")
          .returns(false, StepResult::allowed)
          .returns(1L, StepResult::remaining);
      assertThat(rejected.retryAfterNanos()).isPositive();
      assertThat(take("k", algorithm, MINUTE, 5, 1))
          .returns(true, StepResult::allowed)
          .returns(0L, StepResult::remaining);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aRequestCostingMoreThanTheLimitIsRejectedAndConsumesNothing(Algorithm algorithm) {
      StepResult rejected = take("k", algorithm, MINUTE, 5, 6);
      assertThat(rejected).returns(false, StepResult::allowed).returns(5L, StepResult::remaining);
      assertThat(rejected.retryAfterNanos()).isPositive();
      assertThat(take("k", algorithm, MINUTE, 5, 5))
          .returns(true, StepResult::allowed)
          .returns(0L, StepResult::remaining);
    }
  }

  /** Units given back, and limits that change under a key. */
  @Nested
  class ReleasesAndLimitChanges {

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aReleaseGivesUnitsBack(Algorithm algorithm) {
      take("k", algorithm, MINUTE, 3, 1);
      StepResult second = take("k", algorithm, MINUTE, 3, 1);
      take("k", algorithm, MINUTE, 3, 1);
      assertThat(take("k", algorithm, MINUTE, 3, 1).allowed()).isFalse();

      StepResult released =
          store.apply(
              "k",
              Step.release(
                  algorithm, MINUTE.toNanos(), 3, 1, second.stampNanos(), second.generation()));
      assertThat(released).returns(true, StepResult::allowed).returns(1L, StepResult::remaining);
      assertAdmitted(take("k", algorithm, MINUTE, 3, 1), 0);
      assertThat(take("k", algorithm, MINUTE, 3, 1).allowed()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aReleaseOfUnitsWhoseTimeHasPassedGivesNothingBack(Algorithm algorithm) {
      StepResult old = take("k", algorithm, SECOND, 2, 2);
      clock.advance(Duration.ofSeconds(2)); // the old units are back by now
      assertAdmitted(take("k", algorithm, SECOND, 2, 2), 0);
      store.apply(
          "k", Step.release(algorithm, SECOND.toNanos(), 2, 1, old.stampNanos(), old.generation()));
      assertThat(take("k", algorithm, SECOND, 2, 1).allowed())
          .as("the release must not give back units taken since")
          .isFalse();
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aReleaseOnAKeyWithoutStateGivesNothingBack(Algorithm algorithm) {
      StepResult elsewhere = take("other", algorithm, MINUTE, 3, 1);
      StepResult released =
          store.apply(
              "k",
              Step.release(
                  algorithm,
                  MINUTE.toNanos(),
                  3,
                  1,
                  elsewhere.stampNanos(),
                  elsewhere.generation()));
      assertThat(released.allowed()).as("nothing to give back").isFalse();
      assertThat(admissions("k", algorithm, MINUTE, 3, 10)).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aReleaseForAStateThatWasReplacedChangesNothing(Algorithm algorithm) {
      StepResult old = take("k", algorithm, MINUTE, 3, 1);
      // the window changed (an override, a new deployment): the key starts afresh and fills up
      assertThat(admissions("k", algorithm, MINUTE.multipliedBy(2), 3, 10)).isEqualTo(3);
      // the old window's give-back arrives late: its units are not in this state
      store.apply(
          "k", Step.release(algorithm, MINUTE.toNanos(), 3, 1, old.stampNanos(), old.generation()));
      assertThat(admissions("k", algorithm, MINUTE.multipliedBy(2), 3, 10))
          .as("a release must neither give back units it did not take nor reset the key")
          .isZero();
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aChangedLimitKeepsTheUnitsAlreadyUsed(Algorithm algorithm) {
      for (int i = 0; i < 4; i++) {
        assertThat(take("k", algorithm, MINUTE, 5, 1).allowed()).isTrue();
      }
      assertThat(admissions("k", algorithm, MINUTE, 10, 20))
          .as("4 of 10 used: 6 left")
          .isEqualTo(6);
      assertThat(take("k", algorithm, MINUTE, 5, 1))
          .returns(false, StepResult::allowed)
          .returns(0L, StepResult::remaining);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void aChangedWindowStartsTheKeyAfresh(Algorithm algorithm) {
      assertThat(admissions("k", algorithm, MINUTE, 5, 10)).isEqualTo(5);
      assertThat(admissions("k", algorithm, MINUTE.multipliedBy(2), 5, 10)).isEqualTo(5);
    }
  }

  /** Idle keys expire, never while they hold units. */
  @Nested
  class IdleKeys {

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void anIdleKeyExpiresButNeverWhileItHoldsUnits(Algorithm algorithm) {
      Step full = Step.acquire(algorithm, MINUTE.toNanos(), 3, 3);
      StepResult held = store.apply("held", full);
      store.apply("idle", full);
      assertThat(held.resetAfterNanos()).isPositive().isLessThanOrEqualTo(full.expiryNanos());

      clock.advanceNanos(held.resetAfterNanos() - 1);
      assertStoredKeys(2);
      assertThat(store.apply("held", full).allowed())
          .as("units still count 1 ns before they are back")
          .isFalse();

      advanceExpiry(
          store,
          clock,
          Duration.ofNanos(full.expiryNanos() - held.resetAfterNanos() + 1),
          Duration.ofNanos(full.expiryNanos()));
      assertStoredKeys(1); // "held" was just updated
      assertThat(store.apply("idle", full))
          .as("an expired key decides as a fresh one")
          .returns(true, StepResult::allowed)
          .returns(0L, StepResult::remaining);
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void manyIdleKeysAreDropped(Algorithm algorithm) {
      Step step = Step.acquire(algorithm, SECOND.toNanos(), 2, 2);
      for (int i = 0; i < 1_000; i++) {
        store.apply("key-" + i, step);
      }
      assertStoredKeys(1_000);
      advanceExpiry(
          store, clock, Duration.ofNanos(step.expiryNanos()), Duration.ofNanos(step.expiryNanos()));
      assertStoredKeys(0);
      for (int i = 0; i < 1_000; i++) {
        assertThat(store.apply("key-" + i, step).allowed()).isTrue();
      }
    }

    @Test
    void aKeyInUseOutlivesTheExpiryOfItsFirstUpdate() {
      // each key's last unit outlives the expiry counted from the key's first update
      Step sliding = Step.acquire(Algorithm.SLIDING_WINDOW, SECOND.toNanos(), 2, 1); // expiry 1.1 s
      Step bucket =
          Step.acquire(Algorithm.TOKEN_BUCKET, SECOND.toNanos(), 2, 1); // expiry 1 s + 1 ns
      store.apply("sliding", sliding);
      store.apply("bucket", bucket);
      store.apply("bucket", bucket);
      clock.set(START.plusMillis(900));
      assertAdmitted(store.apply("bucket", bucket), 0);
      clock.set(START.plusMillis(1_000));
      assertAdmitted(store.apply("sliding", sliding), 0);

      clock.set(START.plusMillis(1_150));
      assertAdmitted(store.apply("sliding", sliding), 0); // the unit of 1.0 s still counts
      assertThat(store.apply("sliding", sliding).allowed()).isFalse();
      clock.set(START.plusMillis(1_200));
      assertAdmitted(store.apply("bucket", bucket), 0); // the unit of 0.9 s refills at 1.5 s
      assertThat(store.apply("bucket", bucket).allowed()).isFalse();
    }
  }

  /** Several limits on one request, through the engine: all or nothing. */
  @Nested
  class SeveralLimits {

    @ParameterizedTest
    @MethodSource("dev.limiter.test.StoreCompatibilityKit#algorithmsAndKeySharing")
    void aRequestRejectedByOneLimitConsumesNothingFromTheOthers(
        Algorithm algorithm, boolean sameKey) {
      try (RateLimiter limiter = limiter()) {
        RateLimitPolicy burst = policy("burst", SECOND, 2, 1, algorithm);
        RateLimitPolicy minute = policy("minute", MINUTE, 3, 1, algorithm);
        EndpointLimits both = limiter.limits(List.of(burst, minute));
        String[] keys = {"k", sameKey ? "k" : "account-7"};

        assertThat(limiter.acquire(both, keys).allowed()).isTrue();
        assertThat(limiter.acquire(both, keys).allowed()).isTrue();
        Decision third = limiter.acquire(both, keys);
        assertThat(third.allowed()).isFalse();
        assertThat(third.violatedPolicies()).containsExactly("burst");
        assertThat(status(third, "minute")).returns(1L, LimitStatus::remaining);

        clock.advance(Duration.ofSeconds(2));
        assertThat(limiter.acquire(both, keys).allowed()).isTrue();
        Decision fifth = limiter.acquire(both, keys);
        assertThat(fifth.allowed()).isFalse();
        assertThat(fifth.violatedPolicies()).containsExactly("minute");
        assertThat(status(fifth, "burst"))
            .returns(true, LimitStatus::allowed)
            .returns(1L, LimitStatus::remaining);

        EndpointLimits burstOnly = limiter.limits(List.of(burst));
        assertThat(limiter.acquire(burstOnly, keys[0]))
            .as("the rejected request gave its burst unit back")
            .returns(true, Decision::allowed)
            .returns(0L, Decision::remaining);
        assertThat(limiter.acquire(burstOnly, keys[0]).allowed()).isFalse();
        EndpointLimits minuteOnly = limiter.limits(List.of(minute));
        assertThat(limiter.acquire(minuteOnly, keys[1]).allowed()).isFalse();
      }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void reportsTheLimitWithTheFewestUnitsLeft(boolean reversed) {
      try (RateLimiter limiter = limiter()) {
        EndpointLimits limits =
            limiter.limits(
                ordered(reversed, policy("wide", SECOND, 10, 1), policy("narrow", MINUTE, 3, 1)));
        Decision decision = limiter.acquire(limits, "k", "k");
        assertThat(decision)
            .returns(true, Decision::allowed)
            .returns("narrow", Decision::policy)
            .returns(3L, Decision::limit)
            .returns(2L, Decision::remaining);
        assertThat(decision.violatedPolicies()).isEmpty();
      }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void onATieReportsTheLimitWhoseUnitsComeBackLast(boolean reversed) {
      try (RateLimiter limiter = limiter()) {
        EndpointLimits limits =
            limiter.limits(
                ordered(reversed, policy("short", SECOND, 3, 1), policy("long", HOUR, 3, 1)));
        Decision decision = limiter.acquire(limits, "k", "k");
        assertThat(decision).returns("long", Decision::policy).returns(2L, Decision::remaining);
        assertThat(decision.resetAfter()).isEqualTo(status(decision, "long").resetAfter());
        assertThat(decision.resetAfter()).isGreaterThan(status(decision, "short").resetAfter());
      }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void onARejectionBySeveralLimitsReportsTheLongestWaitAndListsThemAll(boolean reversed) {
      try (RateLimiter limiter = limiter()) {
        List<RateLimitPolicy> policies =
            ordered(reversed, policy("second", SECOND, 1, 1), policy("hour", HOUR, 1, 1));
        EndpointLimits limits = limiter.limits(policies);
        assertThat(limiter.acquire(limits, "k", "k").allowed()).isTrue();
        Decision rejected = limiter.acquire(limits, "k", "k");
        assertThat(rejected).returns(false, Decision::allowed).returns("hour", Decision::policy);
        assertThat(rejected.violatedPolicies())
            .containsExactly(policies.get(0).name(), policies.get(1).name());
        assertThat(rejected.retryAfter())
            .isEqualTo(status(rejected, "hour").retryAfter())
            .isGreaterThan(status(rejected, "second").retryAfter())
            .isGreaterThan(Duration.ofMinutes(59));
      }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void onARejectionReportsTheRejectingLimitEvenWithMoreUnitsLeft(boolean reversed) {
      try (RateLimiter limiter = limiter()) {
        EndpointLimits limits =
            limiter.limits(
                ordered(reversed, policy("bulk", MINUTE, 5, 3), policy("calls", MINUTE, 2, 1)));
        assertThat(limiter.acquire(limits, "k", "k").allowed())
            .isTrue(); // bulk 2 left, calls 1 left
        Decision rejected = limiter.acquire(limits, "k", "k");
        assertThat(rejected)
            .returns(false, Decision::allowed)
            .returns("bulk", Decision::policy)
            .returns(2L, Decision::remaining);
        assertThat(rejected.violatedPolicies()).containsExactly("bulk");
        assertThat(status(rejected, "calls"))
            .returns(true, LimitStatus::allowed)
            .returns(1L, LimitStatus::remaining);
      }
    }
  }

  /** Admissions under concurrency, counted exactly. */
  @Nested
  class Concurrency {

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void concurrentRequestsOnOneKeyAdmitExactlyMax(Algorithm algorithm) throws Exception {
      int max = 1_000;
      int attempts = attempts();
      Step step = Step.acquire(algorithm, MINUTE.toNanos(), max, 1);
      AtomicIntegerArray seen =
          new AtomicIntegerArray(max); // how often each remaining was answered
      inParallel(
          thread -> {
            for (int i = 0; i < attempts / THREADS; i++) {
              StepResult result = store.apply("hot", step);
              if (result.allowed()) {
                seen.incrementAndGet((int) result.remaining());
              }
            }
          });
      assertThat(sum(seen)).as("admitted out of %d with the clock frozen", attempts).isEqualTo(max);
      assertThat(toArray(seen)).as("every admission saw its own remaining count").containsOnly(1);
      assertThat(store.apply("hot", step).allowed()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("dev.limiter.test.StoreCompatibilityKit#algorithmsAndKeySharing")
    void concurrentRequestsThroughTheEngineAdmitExactlyMaxAndGiveBackTheRest(
        Algorithm algorithm, boolean sameKey) throws Exception {
      try (RateLimiter limiter = limiter()) {
        RateLimitPolicy outer = policy("outer", MINUTE, 1_500, 1, algorithm);
        RateLimitPolicy inner = policy("inner", MINUTE, 1_000, 1, algorithm);
        EndpointLimits limits = limiter.limits(List.of(outer, inner));
        String[] keys = {"account", sameKey ? "account" : "pair"};
        AtomicIntegerArray admitted = new AtomicIntegerArray(1);
        int attempts = attempts();
        inParallel(
            thread -> {
              for (int i = 0; i < attempts / THREADS; i++) {
                if (limiter.acquire(limits, keys).allowed()) {
                  admitted.incrementAndGet(0);
                }
              }
            });
        assertThat(admitted.get(0)).isEqualTo(1_000);
        assertThat(limiter.acquire(limiter.limits(List.of(outer)), keys[0]))
            .as("every rejected request gave its outer unit back: 1500 - 1000 - 1 left")
            .returns(true, Decision::allowed)
            .returns(499L, Decision::remaining);
        assertThat(limiter.acquire(limiter.limits(List.of(inner)), keys[1]).allowed()).isFalse();
      }
    }

    @ParameterizedTest
    @EnumSource(Algorithm.class)
    void manyKeysAtOnceEachAdmitExactlyMax(Algorithm algorithm) throws Exception {
      int keys = concurrentKeys();
      if (keys < 1_000) {
        throw new IllegalStateException("concurrentKeys() must be at least 1,000, was " + keys);
      }
      Step step = Step.acquire(algorithm, MINUTE.toNanos(), 3, 1);
      AtomicIntegerArray admitted = new AtomicIntegerArray(keys);
      inParallel(
          thread -> {
            for (int i = 0; i < keys; i++) {
              int key = (i + thread * (keys / THREADS)) % keys; // every thread tries every key once
              if (store.apply("key-" + key, step).allowed()) {
                admitted.incrementAndGet(key);
              }
            }
          });
      assertThat(sum(admitted)).isEqualTo(3L * keys);
      assertThat(toArray(admitted)).as("admissions per key").containsOnly(3);
      assertStoredKeys(keys);
    }
  }

  /**
   * Limits on requests in flight through a {@link RateLimiter} on the store: never more slots held
   * than the limit, each given back at completion, the lease of a limiter that stopped.
   */
  @Nested
  class InFlight extends InFlightChecks {
    @Override
    RateLimitStore store() {
      return store;
    }

    @Override
    ManualClock clock() {
      return clock;
    }

    @Override
    int attempts() {
      return StoreCompatibilityKit.this.attempts();
    }
  }

  /** Limits that count by status, refunds and charges, exempt keys, through a limiter. */
  @Nested
  class ByOutcome extends OutcomeChecks {
    @Override
    RateLimitStore store() {
      return store;
    }

    @Override
    ManualClock clock() {
      return clock;
    }

    @Override
    int attempts() {
      return StoreCompatibilityKit.this.attempts();
    }
  }

  /** Idempotent retries, whose remembered keys the store holds, through a limiter. */
  @Nested
  class IdempotentRetries extends IdempotencyChecks {
    @Override
    RateLimitStore store() {
      return store;
    }

    @Override
    ManualClock clock() {
      return clock;
    }

    @Override
    int attempts() {
      return StoreCompatibilityKit.this.attempts();
    }
  }

  private int attempts() {
    int attempts = concurrentAttempts();
    if (attempts < 4_000) {
      throw new IllegalStateException(
          "concurrentAttempts() must be at least 4,000, was " + attempts);
    }
    return attempts;
  }

  static Stream<Arguments> algorithmsAndKeySharing() {
    return Stream.of(Algorithm.values())
        .flatMap(a -> Stream.of(Arguments.of(a, true), Arguments.of(a, false)));
  }

  private StepResult take(String key, Algorithm algorithm, Duration window, long max, long cost) {
    return store.apply(key, Step.acquire(algorithm, window.toNanos(), max, cost));
  }

  /** Tries {@code attempts} requests of cost 1 and returns how many were admitted. */
  private int admissions(String key, Algorithm algorithm, Duration window, long max, int attempts) {
    int admitted = 0;
    for (int i = 0; i < attempts; i++) {
      if (take(key, algorithm, window, max, 1).allowed()) {
        admitted++;
      }
    }
    return admitted;
  }

  private void assertAdmitted(StepResult result, long remaining) {
    assertThat(result)
        .returns(true, StepResult::allowed)
        .returns(remaining, StepResult::remaining)
        .returns(0L, StepResult::retryAfterNanos)
        .returns(clock.epochNanos(), StepResult::stampNanos);
  }

  private void assertAdmitted(StepResult result, long remaining, long resetAfterNanos) {
    assertAdmitted(result, remaining);
    assertThat(result.resetAfterNanos()).as("resetAfterNanos").isEqualTo(resetAfterNanos);
  }

  private void assertRejected(StepResult result, long remaining, long retryAfterNanos) {
    assertThat(result)
        .returns(false, StepResult::allowed)
        .returns(remaining, StepResult::remaining)
        .returns(clock.epochNanos(), StepResult::stampNanos);
    assertThat(result.retryAfterNanos()).as("retryAfterNanos").isEqualTo(retryAfterNanos);
  }

  private void assertStoredKeys(long expected) {
    long stored = storedKeys(store);
    if (stored >= 0) {
      assertThat(stored).as("keys held by the store").isEqualTo(expected);
    }
  }

  private RateLimiter limiter() {
    RateLimitConfig isolated =
        RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build();
    return RateLimiter.builder().store(store).config(isolated).build();
  }

  private static RateLimitPolicy policy(String name, Duration window, long max, long cost) {
    return policy(name, window, max, cost, Algorithm.SLIDING_WINDOW);
  }

  private static RateLimitPolicy policy(
      String name, Duration window, long max, long cost, Algorithm algorithm) {
    return new RateLimitPolicy(name, window, max, "apiKey", cost, algorithm);
  }

  private static List<RateLimitPolicy> ordered(
      boolean reversed, RateLimitPolicy first, RateLimitPolicy second) {
    return reversed ? List.of(second, first) : List.of(first, second);
  }

  private static LimitStatus status(Decision decision, String policy) {
    return decision.limits().stream()
        .filter(s -> s.policy().equals(policy))
        .findFirst()
        .orElseThrow();
  }

  /** Runs {@code work} on {@value #THREADS} threads released at the same moment. */
  private static void inParallel(IntConsumer work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Void>> running = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        Callable<Void> task =
            () -> {
              start.await();
              work.accept(thread);
              return null;
            };
        running.add(pool.submit(task));
      }
      start.countDown();
      for (Future<Void> future : running) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static long sum(AtomicIntegerArray counts) {
    long total = 0;
    for (int i = 0; i < counts.length(); i++) {
      total += counts.get(i);
    }
    return total;
  }

  private static int[] toArray(AtomicIntegerArray counts) {
    return IntStream.range(0, counts.length()).map(counts::get).toArray();
  }

  private static long ceilDiv(long x, long y) {
    return (x + y - 1) / y;
  }

  private static long millis(long millis) {
    return Duration.ofMillis(millis).toNanos();
  }

  private static long seconds(long seconds) {
    return Duration.ofSeconds(seconds).toNanos();
  }

  /** Stands in for the store between tests; the kit never calls it. */
  private static final class UnusedStore implements RateLimitStore {
    @Override
    public void apply(String key, Step step, StepResult result) {
      throw new IllegalStateException("no test is running");
    }
  }
}
