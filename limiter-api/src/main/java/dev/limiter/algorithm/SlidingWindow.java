/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.algorithm;

import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;

/**
 * {@link dev.limiter.Algorithm#SLIDING_WINDOW} on a ring of sub-window counters.
 *
 * <p>Invariant: with slot length {@code s = ceil(window / N)} and {@code N = SUB_WINDOWS}, the ring
 * holds the counts of the current slot {@code k} and the {@code N} slots before it, so what it sums
 * covers {@code [(k - N) s, now]}, which contains {@code [now - window, now]}. A request is
 * admitted only if that sum plus its cost fits the limit, so no interval of length {@code window}
 * ever holds more than the limit. A unit taken at time {@code t} in slot {@code j} stops counting
 * at {@code (j + N + 1) s}, at most {@code s} after {@code t + window}: capacity comes back at most
 * one sub-window late, never early.
 *
 * <p>State: {@code [tag, newest slot, counters packed two 32-bit values per long]}; the high half
 * of the last long, past the last of the (odd number of) counters, holds the generation.
 */
final class SlidingWindow {

  static final int SLOTS = Step.SUB_WINDOWS + 1;
  static final int STATE_LENGTH = 2 + (SLOTS + 1) / 2;

  /** The long whose high half holds the generation, and whose low half the last counter. */
  private static final int LAST = STATE_LENGTH - 1;

  static {
    if (SLOTS % 2 == 0) {
      throw new AssertionError("the generation needs the half-word past an odd number of counters");
    }
  }

  private SlidingWindow() {}

  static long slotNanos(long windowNanos) {
    return (windowNanos + Step.SUB_WINDOWS - 1) / Step.SUB_WINDOWS;
  }

  static void apply(Step step, long[] state, long now, StepResult out) {
    long slotNanos = slotNanos(step.windowNanos());
    long current = advance(state, slotOf(state, now, slotNanos));
    long used = sum(state);
    long limit = step.limit();
    long cost = step.cost();
    if (step.release()) {
      long slot = Math.floorDiv(step.stampNanos(), slotNanos);
      if (slot <= current && slot > current - SLOTS) {
        int index = index(slot);
        long given = Math.min(cost, count(state, index));
        setCount(state, index, count(state, index) - given);
        used -= given;
      }
      result(true, limit, used, 0, resetAfter(state, current, slotNanos, now), now, out);
      return;
    }
    if (cost > limit) {
      States.never(
          step,
          limit - Math.min(used, limit),
          resetAfter(state, current, slotNanos, now),
          now,
          out);
      return;
    }
    if (cost <= limit - used) {
      int index = index(current);
      setCount(state, index, count(state, index) + cost);
      used += cost;
      result(true, limit, used, 0, resetAfter(state, current, slotNanos, now), now, out);
      return;
    }
    long needed = used + cost - limit;
    long retryAt = 0;
    long freed = 0;
    for (long slot = current - SLOTS + 1; slot <= current; slot++) {
      freed += count(state, index(slot));
      if (freed >= needed) {
        retryAt = (slot + SLOTS) * slotNanos;
        break;
      }
    }
    result(false, limit, used, retryAt - now, resetAfter(state, current, slotNanos, now), now, out);
  }

  private static void result(
      boolean allowed,
      long limit,
      long used,
      long retryAfter,
      long resetAfter,
      long now,
      StepResult out) {
    long remaining = Math.max(0, limit - used);
    out.set(allowed, limit, remaining, resetAfter, retryAfter, now);
  }

  /**
   * Returns the slot of {@code now}: most steps fall in the newest slot, so try it before dividing.
   */
  private static long slotOf(long[] state, long now, long slotNanos) {
    long newestStart = state[1] * slotNanos;
    long into = now - newestStart;
    return into >= 0 && into < slotNanos ? state[1] : Math.floorDiv(now, slotNanos);
  }

  /**
   * Moves the ring forward to {@code slot}, clearing slots that left it; returns the current slot.
   */
  private static long advance(long[] state, long slot) {
    long newest = state[1];
    if (slot <= newest) {
      return newest; // the clock stood still or stepped back: keep counting in the newest slot
    }
    if (slot - newest >= SLOTS) {
      for (int i = 2; i < LAST; i++) {
        state[i] = 0;
      }
      state[LAST] &= ~States.GENERATION_MASK; // keep the generation
    } else {
      for (long s = newest + 1; s <= slot; s++) {
        setCount(state, index(s), 0);
      }
    }
    state[1] = slot;
    return slot;
  }

  private static long resetAfter(long[] state, long current, long slotNanos, long now) {
    for (long slot = current; slot > current - SLOTS; slot--) {
      if (count(state, index(slot)) != 0) {
        return Math.max(0, (slot + SLOTS) * slotNanos - now);
      }
    }
    return 0;
  }

  /** Sums the counters word by word; the half-word past the last slot is the generation. */
  private static long sum(long[] state) {
    long total = state[LAST] & 0xFFFF_FFFFL;
    for (int word = 2; word < LAST; word++) {
      total += (state[word] & 0xFFFF_FFFFL) + (state[word] >>> 32);
    }
    return total;
  }

  /**
   * Whether a unit in the ring still counts at {@code now}: one in slot j counts up to slot j + N.
   */
  static boolean holdsUnits(long[] state, long window, long now) {
    long newest = state[1];
    long current = Math.max(newest, Math.floorDiv(now, slotNanos(window)));
    for (long slot = newest; slot > current - SLOTS; slot--) {
      if (count(state, index(slot)) != 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Raises each of {@code into}'s counts to {@code from}'s for the same sub-window, both rings
   * moved to the newer one's newest slot (a slot that leaves the ring holds nothing that still
   * counts).
   */
  static void absorb(long[] into, long[] from) {
    long newest = Math.max(into[1], from[1]);
    advance(into, newest);
    for (long slot = from[1]; slot > from[1] - SLOTS && slot > newest - SLOTS; slot--) {
      int index = index(slot);
      setCount(into, index, Math.max(count(into, index), count(from, index)));
    }
  }

  static long generation(long[] state) {
    return state[LAST] >>> 32;
  }

  static void setGeneration(long[] state, long generation) {
    state[LAST] = (state[LAST] & 0xFFFF_FFFFL) | generation << 32;
  }

  private static int index(long slot) {
    return (int) Math.floorMod(slot, (long) SLOTS);
  }

  private static long count(long[] state, int index) {
    long word = state[2 + (index >> 1)];
    return (word >>> ((index & 1) << 5)) & 0xFFFF_FFFFL;
  }

  private static void setCount(long[] state, int index, long value) {
    int shift = (index & 1) << 5;
    int word = 2 + (index >> 1);
    state[word] = (state[word] & ~(0xFFFF_FFFFL << shift)) | ((value & 0xFFFF_FFFFL) << shift);
  }
}
