/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.algorithm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.limiter.Algorithm;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Compares {@link Algorithm#SLIDING_WINDOW} with an exact sliding log of the units it admitted,
 * over thousands of seeded random arrival traces (random window, max, costs and gaps).
 *
 * <p>The bounds tested, with {@code N = Step.SUB_WINDOWS} (50), sub-window {@code s = ceil(window /
 * N)} and {@code late = (N + 1) s}, at most {@code window + window / 50 + N} ns:
 *
 * <ol>
 *   <li>Never too many: after every admission at {@code t}, the units admitted in the closed
 *       interval {@code [t - window, t]} are at most {@code max}. Every interval of length {@code
 *       window} is covered, since the fullest one ends at an admission.
 *   <li>Never more than one sub-window late: whenever a request of cost {@code c} is rejected at
 *       {@code t}, the units admitted in {@code (t - late, t]} plus {@code c} exceed {@code max},
 *       so an exact log with window {@code late} would reject it too. Capacity comes back at most
 *       {@code late - window} after an exact log would give it back: one sub-window, plus under
 *       {@code N} ns where {@code window} is not a multiple of {@code N}.
 * </ol>
 *
 * <p>A failure names the seed of its trace; {@code trace(seed)} replays it alone.
 */
class SlidingWindowReferenceTest {

  private static final long SEED = 20_260_302L;
  private static final int TRACES = 3_000;
  private static final int REQUESTS = 300;
  private static final long SECOND = 1_000_000_000L;
  private static final long T0 = Instant.parse("2026-03-02T09:00:00Z").getEpochSecond() * SECOND;

  @Test
  void neverAdmitsMoreThanMaxInAWindowAndIsNeverMoreThanOneSubWindowLate() {
    long[] totals = new long[2];
    for (int i = 0; i < TRACES; i++) {
      long[] counts = trace(SEED + i);
      totals[0] += counts[0];
      totals[1] += counts[1];
    }
    // the traces exercise both bounds: plenty of admissions and of rejections
    assertThat(totals[0]).as("admissions").isGreaterThan(TRACES * (long) REQUESTS / 4);
    assertThat(totals[1]).as("rejections").isGreaterThan(TRACES * (long) REQUESTS / 4);
  }

  /** Runs one trace, failing on a broken bound; returns {admissions, rejections}. */
  private static long[] trace(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long window = window(random);
    // small limits, and large ones whose sums take the state through its wider layouts
    long max = 1 + random.nextLong(new long[] {20, 20, 200, 200_000}[random.nextInt(4)]);
    long late = (Step.SUB_WINDOWS + 1) * ((window + Step.SUB_WINDOWS - 1) / Step.SUB_WINDOWS);
    assertThat(late - window)
        .as("at most 2%% of the window late, plus under %d ns of rounding", Step.SUB_WINDOWS)
        .isLessThanOrEqualTo(window / 50 + Step.SUB_WINDOWS);
    long meanGap = Math.max(1, window / max);

    KeyState key = new KeyState();
    ArrayDeque<long[]> log =
        new ArrayDeque<>(); // {time, cost} of our admissions in (now - late, now]
    long now = T0 + random.nextLong(window);
    long admissions = 0;
    long rejections = 0;
    for (int request = 0; request < REQUESTS; request++) {
      now += gap(random, meanGap, window);
      long cost = random.nextInt(4) == 0 ? 1 + random.nextLong(max) : 1;
      StepResult result = key.apply(Step.acquire(Algorithm.SLIDING_WINDOW, window, max, cost), now);
      while (!log.isEmpty() && log.peekFirst()[0] <= now - late) {
        log.removeFirst();
      }
      if (result.allowed()) {
        admissions++;
        log.addLast(new long[] {now, cost});
        long inWindow = 0;
        for (long[] admitted : log) {
          inWindow += admitted[0] >= now - window ? admitted[1] : 0;
        }
        if (inWindow > max) {
          fail(
              "seed %d, request %d: %d units admitted within window %d ns of %d, max %d",
              seed, request, inWindow, window, now, max);
        }
      } else {
        rejections++;
        long inLate = 0;
        for (long[] admitted : log) {
          inLate += admitted[1];
        }
        if (inLate + cost <= max) {
          fail(
              "seed %d, request %d: rejected cost %d at %d with only %d units admitted in the last"
                  + " %d ns (window %d ns, max %d): more than one sub-window late",
              seed, request, cost, now, inLate, late, window, max);
        }
      }
    }
    return new long[] {admissions, rejections};
  }

  /** Windows from 1 ms to 10 s: round ones, and odd ones whose sub-windows are rounded up. */
  private static long window(SplittableRandom random) {
    return switch (random.nextInt(4)) {
      case 0 -> new long[] {Step.MIN_WINDOW_NANOS, SECOND, 10 * SECOND}[random.nextInt(3)];
      case 1 -> Step.MIN_WINDOW_NANOS + random.nextLong(9 * Step.MIN_WINDOW_NANOS);
      default -> Step.MIN_WINDOW_NANOS + random.nextLong(10 * SECOND);
    };
  }

  /** Bursts, steady traffic near the limit's rate, and pauses longer than the window. */
  private static long gap(SplittableRandom random, long meanGap, long window) {
    int dice = random.nextInt(100);
    if (dice < 15) {
      return 0;
    }
    if (dice < 85) {
      return random.nextLong(2 * meanGap);
    }
    if (dice < 97) {
      return random.nextLong(window);
    }
    return random.nextLong(3 * window);
  }
}
