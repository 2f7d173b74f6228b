/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.algorithm;

import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;

/**
 * {@link dev.limiter.Algorithm#FIXED_WINDOW}: one counter per window, windows aligned to the Unix
 * epoch, so the reset instant is exact ({@code 1d} resets at 00:00 UTC).
 *
 * <p>State: {@code [tag, window index, count | generation << 32]}; the count is at most the largest
 * limit, 2<sup>31</sup> - 1, which leaves the high half-word to the generation.
 */
final class FixedWindow {

  static final int STATE_LENGTH = 3;

  private static final long COUNT = States.GENERATION_MASK;

  private FixedWindow() {}

  static void apply(Step step, long[] state, long now, StepResult out) {
    long window = step.windowNanos();
    long index = Math.floorDiv(now, window);
    long count = state[2] & COUNT;
    if (index > state[1]) {
      state[1] = index;
      count = 0;
    } else {
      index = state[1]; // the clock stepped back: stay in the newest window
    }
    long windowEnd = (index + 1) * window;
    long limit = step.limit();
    long cost = step.cost();
    if (step.release()) {
      if (Math.floorDiv(step.stampNanos(), window) == index) {
        count = Math.max(0, count - cost);
      }
      result(true, limit, count, 0, windowEnd, now, out);
    } else if (cost > limit) {
      States.never(step, limit - Math.min(count, limit), count > 0 ? windowEnd - now : 0, now, out);
    } else if (cost <= limit - count) {
      count += cost;
      result(true, limit, count, 0, windowEnd, now, out);
    } else {
      result(false, limit, count, windowEnd - now, windowEnd, now, out);
    }
    state[2] = count | (state[2] & ~COUNT);
  }

  /**
   * Whether the state counts units in the window of {@code now} or a later one (a clock set back).
   */
  static boolean holdsUnits(long[] state, long window, long now) {
    return (state[2] & COUNT) != 0 && state[1] >= Math.floorDiv(now, window);
  }

  /**
   * Moves {@code into} to the newer window of the two with the larger of the counts that still
   * count there or at {@code now}: a window that has ended holds nothing.
   */
  static void absorb(long[] into, long[] from, long window, long now) {
    long current = Math.floorDiv(now, window);
    long index = Math.max(into[1], from[1]);
    long count = 0;
    for (long[] state : new long[][] {into, from}) {
      if (state[1] == index || state[1] >= current) {
        count = Math.max(count, state[2] & COUNT);
      }
    }
    into[1] = index;
    into[2] = count | (into[2] & ~COUNT);
  }

  static long generation(long[] state) {
    return state[2] >>> 32;
  }

  static void setGeneration(long[] state, long generation) {
    state[2] = (state[2] & COUNT) | generation << 32;
  }

  private static void result(
      boolean allowed,
      long limit,
      long used,
      long retryAfter,
      long windowEnd,
      long now,
      StepResult out) {
    long resetAfter = used > 0 ? windowEnd - now : 0;
    out.set(allowed, limit, Math.max(0, limit - used), resetAfter, retryAfter, now);
  }
}
