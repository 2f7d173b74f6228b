/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.caffeine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.Algorithm;
import dev.limiter.ManualClock;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import dev.limiter.test.StoreCompatibilityKit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs the {@link StoreCompatibilityKit} on {@link CaffeineStore}. */
class CaffeineStoreTest extends StoreCompatibilityKit {

  @Override
  protected RateLimitStore createStore(ManualClock clock) {
    return CaffeineStore.builder().clock(clock).build();
  }

  @Override
  protected long storedKeys(RateLimitStore store) {
    CaffeineStore caffeine = (CaffeineStore) store;
    caffeine.cleanUp();
    return caffeine.estimatedSize();
  }

  /**
   * The store keeps a key {@link CaffeineStore#extraNanos} longer than it needs, and Caffeine's
   * timer wheel removes expired keys on its ticks of 2^30 ns, so let that and one more tick pass.
   */
  @Override
  protected void advanceExpiry(
      RateLimitStore store, ManualClock clock, Duration idle, Duration expiry) {
    clock.advance(idle.plusNanos(CaffeineStore.extraNanos(expiry.toNanos()) + (1L << 30)));
  }

  /**
   * A decision on a cached key refreshes its expiry on the read, before the step; Caffeine skips a
   * read's refresh that extends the expiry by a second or less. Whatever the gap between two
   * decisions, the units of the last one still count until they are back.
   */
  @ParameterizedTest
  @ValueSource(longs = {100, 500, 900, 999, 1_000, 1_001, 1_500, 2_000})
  void aKeyKeepsItsUnitsUntilTheyAreBackWhateverTheGapBetweenDecisions(long gapMillis) {
    // one unit back every 100 ms, so the decision after the gap is admitted and moves the end
    Step step = Step.acquire(Algorithm.TOKEN_BUCKET, Duration.ofSeconds(4).toNanos(), 40, 1);
    for (int i = 0; i < 40; i++) {
      store().apply("k", step);
    }
    clock().advance(Duration.ofMillis(gapMillis));
    StepResult last = store().apply("k", step);
    Step all = Step.acquire(Algorithm.TOKEN_BUCKET, Duration.ofSeconds(4).toNanos(), 40, 40);
    clock().advanceNanos(last.resetAfterNanos() - 1);
    assertThat(store().apply("k", all).allowed())
        .as("1 ns before the units of the decision after %d ms are back", gapMillis)
        .isFalse();
    clock().advanceNanos(1);
    assertThat(store().apply("k", all).allowed()).isTrue();
  }

  /**
   * Seeded traces of decisions at random gaps (a few nanoseconds to twice the key's expiry, around
   * refresh periods and Caffeine's one-second read tolerance), limits that change a token bucket's
   * refill interval, and cache maintenance between decisions: the store answers exactly what a
   * state that is never dropped answers, so no key left the cache while it still held units and no
   * fast-path step skipped a needed refresh.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void decisionsAtRandomGapsAnswerAsAStateThatIsNeverDropped(long seed) {
    java.util.Random random = new java.util.Random(seed);
    CaffeineStore store = (CaffeineStore) store();
    long[] windows = {
      Duration.ofMillis(200).toNanos(),
      Duration.ofSeconds(1).toNanos(),
      Duration.ofSeconds(9).toNanos(),
      Duration.ofMinutes(1).toNanos()
    };
    for (Algorithm algorithm : Algorithm.values()) {
      for (long window : windows) {
        String key = algorithm + "-" + window;
        long[] reference = null;
        for (int i = 0; i < 400; i++) {
          long limit = algorithm == Algorithm.TOKEN_BUCKET && random.nextInt(20) == 0 ? 6 : 5;
          Step step = Step.acquire(algorithm, window, limit, 1 + random.nextInt(2));
          long expiry = step.expiryNanos();
          long gap =
              switch (random.nextInt(4)) {
                case 0 -> random.nextInt(1_000);
                case 1 -> (long) (random.nextDouble() * window / 2);
                case 2 -> (long) (random.nextDouble() * 2 * expiry);
                default ->
                    CaffeineStore.refreshPeriodNanos(expiry) * (1 + random.nextInt(8))
                        + random.nextInt(3)
                        - 1;
              };
          clock().advanceNanos(gap);
          if (random.nextInt(8) == 0) {
            store.cleanUp();
          }
          reference = step.prepare(reference);
          StepResult expected = step.applyTo(reference, clock().epochNanos());
          assertThat(store.apply(key, step))
              .as("%s, decision %d, seed %d, after a gap of %d ns", key, i, seed, gap)
              .usingRecursiveComparison()
              .ignoringFields("generation") // each state draws its own
              .isEqualTo(expected);
        }
      }
    }
  }

  /**
   * A multi-limit request took a unit of {@code k}, then {@code k} was evicted and others filled a
   * new state for it; the request's give-back arrives after that. It must not give back a unit of
   * the new state, which it never took.
   */
  @Test
  void aGiveBackAfterTheKeyWasEvictedTakesNoUnitFromItsNewState() {
    CaffeineStore small = CaffeineStore.builder().maximumSize(10).clock(clock()).build();
    long minute = Duration.ofMinutes(1).toNanos();
    Step step = Step.acquire(Algorithm.SLIDING_WINDOW, minute, 3, 1);
    StepResult taken = small.apply("k", step);
    assertThat(taken.allowed()).isTrue();
    for (int i = 0; i < 1_000; i++) {
      small.apply("other-" + i, step);
    }
    small.cleanUp();
    assertThat(small.holds("k")).as("k was evicted").isFalse();
    int admitted = 0;
    for (int i = 0; i < 3; i++) {
      admitted += small.apply("k", step).allowed() ? 1 : 0;
    }
    small.apply(
        "k",
        Step.release(
            Algorithm.SLIDING_WINDOW, minute, 3, 1, taken.stampNanos(), taken.generation()));
    for (int i = 0; i < 3; i++) {
      admitted += small.apply("k", step).allowed() ? 1 : 0;
    }
    assertThat(admitted)
        .as("admitted on k in one window after its unit was given back")
        .isLessThanOrEqualTo(3);
    small.close();
  }

  /**
   * The flood: a store of 10,000 keys filled with 20,000, a key sending every 10 ms under
   * 50 per 10 minutes, and one new key every 10 ms (or ten, at ten times the rate), for two
   * windows. The fast paths record a busy key's use about once per refresh period, so to the
   * eviction policy it looks like a key used once; whatever is evicted, the busy key is never
   * admitted more than 50 times in any 10 minutes.
   */
  @ParameterizedTest(name = "{0} new key(s) every 10 ms")
  @ValueSource(ints = {1, 10})
  void aFloodOfNewKeysNeverResetsABusyKey(int newKeysPerTick) {
    CaffeineStore small = CaffeineStore.builder().maximumSize(10_000).clock(clock()).build();
    Step step = Step.acquire(Algorithm.SLIDING_WINDOW, Duration.ofMinutes(10).toNanos(), 50, 1);
    for (int i = 0; i < 20_000; i++) {
      small.apply("prefill-" + i, step);
    }
    java.util.ArrayDeque<Long> admittedAt = new java.util.ArrayDeque<>();
    long window = Duration.ofMinutes(10).toNanos();
    int most = 0;
    int flood = 0;
    for (int tick = 0; tick < 2 * 60_000; tick++) {
      if (small.apply("busy", step).allowed()) {
        admittedAt.addLast(clock().epochNanos());
      }
      while (!admittedAt.isEmpty() && admittedAt.peekFirst() <= clock().epochNanos() - window) {
        admittedAt.removeFirst();
      }
      most = Math.max(most, admittedAt.size());
      for (int k = 0; k < newKeysPerTick; k++) {
        small.apply("flood-" + flood++, step);
      }
      clock().advance(Duration.ofMillis(10));
    }
    assertThat(most)
        .as("the busy key's admissions in its busiest 10 minutes")
        .isLessThanOrEqualTo(50);
    small.close();
  }

  @Test
  void refreshPeriodsArePowersOfTwoFromTwoSecondsOrAQuarterOfTheExpiry() {
    assertThat(CaffeineStore.refreshPeriodNanos(1_000_000L)).isEqualTo(1L << 31); // 2.15 s
    assertThat(CaffeineStore.refreshPeriodNanos(8_000_000_000L)).isEqualTo(1L << 31);
    assertThat(CaffeineStore.refreshPeriodNanos(8_600_000_000L)).isEqualTo(1L << 32);
    long hour = Duration.ofHours(1).toNanos();
    assertThat(CaffeineStore.refreshPeriodNanos(hour))
        .isGreaterThanOrEqualTo(hour / 4)
        .isLessThan(hour / 2)
        .isEqualTo(Long.highestOneBit(hour / 4) << 1);
    assertThat(CaffeineStore.extraNanos(hour))
        .isEqualTo(100_000_000L + CaffeineStore.refreshPeriodNanos(hour) + 1_000_000_000L);
  }

  /**
   * Steps that race with evictions (a cache of 16 keys for 64) and with steps that replace a key's
   * state (two windows on one key) find the state they took gone and retry: every step is answered,
   * none fails on a state that left the cache.
   */
  @Test
  void stepsRacingWithEvictionsAndReplacedStatesRetry() throws Exception {
    CaffeineStore small = CaffeineStore.builder().maximumSize(16).clock(clock()).build();
    Step minute = Step.acquire(Algorithm.FIXED_WINDOW, Duration.ofMinutes(1).toNanos(), 1 << 30, 1);
    Step hour = Step.acquire(Algorithm.FIXED_WINDOW, Duration.ofHours(1).toNanos(), 1 << 30, 1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> answers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        answers.add(
            pool.submit(
                () -> {
                  int allowed = 0;
                  for (int i = 0; i < 20_000; i++) {
                    String key = "key-" + ((i * 7 + thread) % 64);
                    Step step = key.equals("key-0") && i % 2 == 0 ? hour : minute;
                    allowed += small.apply(key, step).allowed() ? 1 : 0;
                  }
                  return allowed;
                }));
      }
      for (Future<Integer> answer : answers) {
        assertThat(answer.get(60, TimeUnit.SECONDS)).isEqualTo(20_000);
      }
    } finally {
      pool.shutdownNow();
      small.close();
    }
  }
}
