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
 * <p>Invariant: with slot length {@code s = ceil(window / N)} and {@code N = SUB_WINDOWS} (50), the
 * ring holds the counts of the current slot {@code k} and the {@code N} slots before it, so what it
 * sums covers {@code [(k - N) s, now]}, which contains {@code [now - window, now]}. A request is
 * admitted only if that sum plus its cost fits the limit, so no interval of length {@code window}
 * ever holds more than the limit. A unit taken at time {@code t} in slot {@code j} stops counting
 * at {@code (j + N + 1) s}, at most {@code s} after {@code t + window} (plus {@code N s - window},
 * under {@code N} nanoseconds): capacity comes back at most a fiftieth of the window late, never
 * early.
 *
 * <p>State: {@code [tag, newest slot, fields packed in the longs that follow]}: the ring's {@code N
 * + 1} counters and their running total (so a decision never sums the ring), all of one width, and
 * the generation in the high half of a long. The width follows what the ring holds, not the limit
 * alone: a new state starts with 6-bit counters (eight longs, 80 bytes, up to 63 units in the
 * window), and a step that could take the sum past what its width holds (which needs a limit above
 * it) first moves the counts, unchanged, into a wider layout (8, 12, 16 and 32 bits: 9, 13, 16 and
 * 29 longs). Only the slot grid decides when units come back, and every layout has the same one, so
 * a wider layout is the same state. The layout is known from the array's length alone.
 */
final class SlidingWindow {

  static final int SLOTS = Step.SUB_WINDOWS + 1;

  /** The field after the ring's counters: their total, in the layouts that keep it. */
  private static final int TOTAL = SLOTS;

  private static final Layout[] LAYOUTS = {
    new Layout(6, 8), new Layout(8, 9), new Layout(12, 13), new Layout(16, 16), new Layout(32, 29)
  };

  private static final Layout[] BY_LENGTH = new Layout[30];

  static {
    for (Layout layout : LAYOUTS) {
      BY_LENGTH[layout.length] = layout;
    }
  }

  private SlidingWindow() {}

  /**
   * How the fields of one state length are packed: {@code 64 / width} per long from the third long
   * on, fields 0 to {@code N} the ring, field {@code N + 1} their total; in the 32-bit layout,
   * whose total may pass 32 bits when states are merged, the total is the whole last long. The
   * generation is the high half of the long after the fields.
   */
  private static final class Layout {
    final int length;
    final long mask;
    final long capacity;
    final int generationWord;
    private final boolean wideTotal;
    private final byte[] word;
    private final byte[] shift;

    Layout(int width, int length) {
      this.length = length;
      this.mask = (1L << width) - 1;
      this.wideTotal = width == 32;
      this.capacity = wideTotal ? Long.MAX_VALUE : mask;
      this.generationWord = wideTotal ? length - 2 : length - 1;
      int fields = wideTotal ? SLOTS : SLOTS + 1;
      int perWord = 64 / width;
      this.word = new byte[fields];
      this.shift = new byte[fields];
      for (int i = 0; i < fields; i++) {
        word[i] = (byte) (2 + i / perWord);
        shift[i] = (byte) ((i % perWord) * width);
      }
      int last = word[fields - 1];
      if (last > generationWord || (last == generationWord && shift[fields - 1] + width > 32)) {
        throw new AssertionError("the generation needs the high half of its long");
      }
    }

    long get(long[] state, int field) {
      return (state[word[field]] >>> shift[field]) & mask;
    }

    void set(long[] state, int field, long value) {
      int w = word[field];
      int s = shift[field];
      state[w] = (state[w] & ~(mask << s)) | ((value & mask) << s);
    }

    long total(long[] state) {
      return wideTotal ? state[length - 1] : get(state, TOTAL);
    }

    void setTotal(long[] state, long total) {
      if (wideTotal) {
        state[length - 1] = total;
      } else {
        set(state, TOTAL, total);
      }
    }

    void addTotal(long[] state, long delta) {
      setTotal(state, total(state) + delta);
    }
  }

  static long slotNanos(long windowNanos) {
    return (windowNanos + Step.SUB_WINDOWS - 1) / Step.SUB_WINDOWS;
  }

  /** How long a state must be kept after its last update: the ring's span. */
  static long expiryNanos(long windowNanos) {
    return SLOTS * slotNanos(windowNanos);
  }

  /** Whether {@code length} is the length of a sliding-window state. */
  static boolean isStateLength(int length) {
    return length < BY_LENGTH.length && BY_LENGTH[length] != null;
  }

  /** The length of a fresh state for {@code step}: the narrowest that holds what it may take. */
  static int freshLength(Step step) {
    return layoutFor(taken(step, 0)).length;
  }

  /**
   * Returns whether {@code step} can be applied to {@code state}, a state of the step's tag, in
   * place: a release or a step that takes nothing always can; an acquire when the sum the state
   * holds (before its ring moves, so at least what it will hold) plus the cost fits the width.
   */
  static boolean fits(Step step, long[] state) {
    Layout layout = BY_LENGTH[state.length];
    return taken(step, layout.total(state)) <= layout.capacity;
  }

  /** Returns {@code state}, or its counts in the narrowest layout wide enough for {@code step}. */
  static long[] widenFor(Step step, long[] state) {
    Layout layout = BY_LENGTH[state.length];
    long needed = taken(step, layout.total(state));
    return needed <= layout.capacity ? state : repack(state, layout, layoutFor(needed));
  }

  /**
   * The largest sum a state may hold after {@code step}, from what it holds before its ring moves:
   * an acquire is admitted only if the sum after it fits the limit, so never more than the larger
   * of that and the limit. A state whose limit fits its width never widens.
   */
  private static long taken(Step step, long held) {
    if (step.release() || step.cost() > step.limit()) {
      return held;
    }
    return Math.max(held, Math.min(held + step.cost(), step.limit()));
  }

  private static Layout layoutFor(long units) {
    for (Layout layout : LAYOUTS) {
      if (units <= layout.capacity) {
        return layout;
      }
    }
    return LAYOUTS[LAYOUTS.length - 1];
  }

  private static long[] repack(long[] state, Layout from, Layout to) {
    long[] wider = new long[to.length];
    wider[0] = state[0];
    wider[1] = state[1];
    long total = 0;
    for (int i = 0; i < SLOTS; i++) {
      long count = Math.min(from.get(state, i), to.mask);
      to.set(wider, i, count);
      total += count;
    }
    to.setTotal(wider, total);
    setGeneration(wider, generation(state));
    return wider;
  }

  static void apply(Step step, long[] state, long now, StepResult out) {
    Layout layout = BY_LENGTH[state.length];
    long slotNanos = slotNanos(step.windowNanos());
    long newest = state[1];
    long into = now - newest * slotNanos;
    long cost = step.cost();
    if (into >= 0 && into < slotNanos && !step.release()) {
      // most steps: an acquire in the newest slot, so the ring does not move; kept small enough
      // for the compiler to inline into the store (the whole method was not)
      long used = layout.total(state);
      long limit = step.limit();
      if (cost <= limit - used && used + cost <= layout.capacity) {
        int index = index(newest);
        layout.set(state, index, layout.get(state, index) + cost);
        layout.setTotal(state, used + cost);
        out.set(true, limit, limit - used - cost, (newest + SLOTS) * slotNanos - now, 0, now);
        return;
      }
    }
    applyMoving(layout, step, state, now, slotNanos, out);
  }

  /** {@link #apply} for the steps its first lines do not take: out of line. */
  private static void applyMoving(
      Layout layout, Step step, long[] state, long now, long slotNanos, StepResult out) {
    long current = advance(layout, state, slotOf(state, now, slotNanos));
    long used = layout.total(state);
    long limit = step.limit();
    long cost = step.cost();
    if (step.release()) {
      long slot = Math.floorDiv(step.stampNanos(), slotNanos);
      if (slot <= current && slot > current - SLOTS) {
        int index = index(slot);
        long count = layout.get(state, index);
        long given = Math.min(cost, count);
        layout.set(state, index, count - given);
        layout.addTotal(state, -given);
        used -= given;
      }
      result(true, limit, used, 0, resetAfter(layout, state, current, slotNanos, now), now, out);
      return;
    }
    if (cost > limit) {
      States.never(
          step,
          limit - Math.min(used, limit),
          resetAfter(layout, state, current, slotNanos, now),
          now,
          out);
      return;
    }
    if (cost <= limit - used) {
      if (used + cost > layout.capacity) {
        throw new IllegalArgumentException("state was not prepared for " + step);
      }
      int index = index(current);
      layout.set(state, index, layout.get(state, index) + cost);
      layout.addTotal(state, cost);
      used += cost;
      // the current slot now holds units, so it is the newest that does: it leaves last
      result(true, limit, used, 0, Math.max(0, (current + SLOTS) * slotNanos - now), now, out);
      return;
    }
    long needed = used + cost - limit;
    long retryAt = 0;
    long freed = 0;
    for (long slot = current - SLOTS + 1; slot <= current; slot++) {
      freed += layout.get(state, index(slot));
      if (freed >= needed) {
        retryAt = (slot + SLOTS) * slotNanos;
        break;
      }
    }
    result(
        false,
        limit,
        used,
        retryAt - now,
        resetAfter(layout, state, current, slotNanos, now),
        now,
        out);
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
  private static long advance(Layout layout, long[] state, long slot) {
    long newest = state[1];
    if (slot <= newest) {
      return newest; // the clock stood still or stepped back: keep counting in the newest slot
    }
    if (slot - newest >= SLOTS) {
      long generation = generation(state);
      for (int i = 2; i < state.length; i++) {
        state[i] = 0;
      }
      setGeneration(state, generation);
    } else {
      long cleared = 0;
      for (long s = newest + 1; s <= slot; s++) {
        int index = index(s);
        cleared += layout.get(state, index);
        layout.set(state, index, 0);
      }
      layout.addTotal(state, -cleared);
    }
    state[1] = slot;
    return slot;
  }

  private static long resetAfter(
      Layout layout, long[] state, long current, long slotNanos, long now) {
    for (long slot = current; slot > current - SLOTS; slot--) {
      if (layout.get(state, index(slot)) != 0) {
        return Math.max(0, (slot + SLOTS) * slotNanos - now);
      }
    }
    return 0;
  }

  /**
   * Whether a unit in the ring still counts at {@code now}: one in slot j counts up to slot j + N.
   */
  static boolean holdsUnits(long[] state, long window, long now) {
    Layout layout = BY_LENGTH[state.length];
    long newest = state[1];
    long current = Math.max(newest, Math.floorDiv(now, slotNanos(window)));
    for (long slot = newest; slot > current - SLOTS; slot--) {
      if (layout.get(state, index(slot)) != 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns {@code into} with each of its counts raised to {@code from}'s for the same sub-window,
   * both rings moved to the newer one's newest slot (a slot that leaves the ring holds nothing that
   * still counts): {@code into} itself when its width holds the result, else a wider copy.
   */
  static long[] absorb(long[] into, long[] from) {
    Layout layout = BY_LENGTH[into.length];
    Layout fromLayout = BY_LENGTH[from.length];
    long newest = Math.max(into[1], from[1]);
    advance(layout, into, newest);
    long[] counts = new long[SLOTS];
    for (int index = 0; index < SLOTS; index++) {
      counts[index] = layout.get(into, index);
    }
    for (long slot = from[1]; slot > from[1] - SLOTS && slot > newest - SLOTS; slot--) {
      int index = index(slot);
      counts[index] = Math.max(counts[index], fromLayout.get(from, index));
    }
    long merged = 0;
    for (long count : counts) {
      merged += count;
    }
    long[] target = into;
    if (merged > layout.capacity) {
      layout = layoutFor(merged);
      target = new long[layout.length];
      target[0] = into[0];
      target[1] = into[1];
      setGeneration(target, generation(into));
    }
    long total = 0;
    for (int index = 0; index < SLOTS; index++) {
      long count = Math.min(counts[index], layout.mask);
      layout.set(target, index, count);
      total += count;
    }
    layout.setTotal(target, total);
    return target;
  }

  static long generation(long[] state) {
    return state[BY_LENGTH[state.length].generationWord] >>> 32;
  }

  static void setGeneration(long[] state, long generation) {
    int word = BY_LENGTH[state.length].generationWord;
    state[word] = (state[word] & 0xFFFF_FFFFL) | generation << 32;
  }

  private static int index(long slot) {
    return (int) Math.floorMod(slot, (long) SLOTS);
  }
}
