/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.caffeine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.Algorithm;
import dev.limiter.Clock;
import dev.limiter.ManualClock;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import dev.limiter.testing.CampaignReport;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A stall of any length at any moment (a GC pause, a descheduled thread, a wall clock stepped
 * forward) only makes the store stricter. The clock jumps forward at one chosen reading, whoever
 * reads it: the store's fast and slow paths, or Caffeine setting an expiry or expiring keys. Each
 * run is replayed on a state that is never dropped, at the times the store decided at: every
 * request the store admitted must fit that state, so no unit was forgotten while it still counted.
 */
class StallTest {

  private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
  private static final long[] STALLS_MILLIS = {1_200, 3_500, 20_000, 90_000};

  /** A clock that jumps by {@code stallNanos} when it is read for the {@code stallAt}-th time. */
  private static final class StallingClock implements Clock {
    private final ManualClock clock = ManualClock.at(START);
    private final AtomicLong reads = new AtomicLong();
    private final long stallAt;
    private final long stallNanos;

    StallingClock(long stallAt, long stallNanos) {
      this.stallAt = stallAt;
      this.stallNanos = stallNanos;
    }

    @Override
    public long epochNanos() {
      if (reads.incrementAndGet() == stallAt) {
        clock.advanceNanos(stallNanos);
      }
      return clock.epochNanos();
    }

    void advanceMillis(long millis) {
      clock.advanceNanos(millis * 1_000_000L);
    }

    long reads() {
      return reads.get();
    }
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void aStallAtAnyClockReadingNeverLetsAKeyForgetUnitsThatStillCount(Algorithm algorithm) {
    long reads = run(algorithm, new StallingClock(-1, 0), 0);
    int runs = 0;
    for (long stallMillis : STALLS_MILLIS) {
      for (long at = 1; at <= reads; at++) {
        run(algorithm, new StallingClock(at, stallMillis * 1_000_000L), 1000 * at + stallMillis);
        runs++;
      }
    }
    assertThat(runs).as("stalls tried").isGreaterThan(1_000);
    CampaignReport.of("stalls")
        .with("algorithm", algorithm)
        .with("clock_readings_per_run", reads)
        .with("stalls_tried", runs)
        .with("stall_lengths_ms", java.util.Arrays.toString(STALLS_MILLIS).replace(" ", ""))
        .with("over_admissions", 0) // each run fails the test on the first
        .write();
  }

  /**
   * Decides a seeded script of requests on three keys with gaps from a millisecond to a minute,
   * cleaning up the cache between some of them, and checks each admission against the reference.
   * Returns how often the clock was read.
   */
  private static long run(Algorithm algorithm, StallingClock clock, long label) {
    CaffeineStore store = CaffeineStore.builder().maximumSize(1_000).clock(clock).build();
    Map<String, long[]> reference = new HashMap<>();
    Random random = new Random(algorithm.code());
    long[] windows = {Duration.ofSeconds(1).toNanos(), Duration.ofSeconds(20).toNanos()};
    String[] keys = {"a", "b", "c"};
    for (int i = 0; i < 120; i++) {
      String key = keys[random.nextInt(keys.length)];
      long window = windows[key.charAt(0) % 2];
      Step step = Step.acquire(algorithm, window, 4, 1);
      StepResult decided = store.apply(key, step);
      if (decided.allowed()) {
        long[] state = step.prepare(reference.get(key));
        StepResult expected = step.applyTo(state, decided.stampNanos());
        reference.put(key, state);
        assertThat(expected.allowed())
            .as(
                "%s, run %d, request %d on %s admitted at %d: the state that is never dropped has"
                    + " no room",
                algorithm, label, i, key, decided.stampNanos())
            .isTrue();
      }
      switch (random.nextInt(6)) {
        case 0 -> clock.advanceMillis(1 + random.nextInt(50));
        case 1 -> clock.advanceMillis(200 + random.nextInt(2_000));
        case 2 -> clock.advanceMillis(5_000 + random.nextInt(60_000));
        default -> clock.advanceMillis(random.nextInt(400));
      }
      if (random.nextInt(4) == 0) {
        store.cleanUp();
      }
    }
    store.close();
    return clock.reads();
  }
}
