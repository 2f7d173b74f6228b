package dev.limiter.spi;

/**
 * {@link dev.limiter.Algorithm#FIXED_WINDOW}: one counter per window, windows aligned to the Unix
 * epoch, so the reset instant is exact ({@code 1d} resets at 00:00 UTC).
 *
 * <p>State: {@code [tag, window index, count | generation << 32]}; the count is at most the largest
 * limit, 2<sup>31</sup> - 1, which leaves the high half-word to the generation.
 */
final class FixedWindow {

  static final int STATE_LENGTH = 3;

  private static final long COUNT = Step.GENERATION_MASK;

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
      step.never(limit - Math.min(count, limit), count > 0 ? windowEnd - now : 0, now, out);
    } else if (cost <= limit - count) {
      count += cost;
      result(true, limit, count, 0, windowEnd, now, out);
    } else {
      result(false, limit, count, windowEnd - now, windowEnd, now, out);
    }
    state[2] = count | (state[2] & ~COUNT);
  }

  static long generation(long[] state) {
    return state[2] >>> 32;
  }

  static void setGeneration(long[] state, long generation) {
    state[2] = (state[2] & COUNT) | generation << 32;
  }

  private static void result(
      boolean allowed, long limit, long used, long retryAfter, long windowEnd, long now, StepResult out) {
    long resetAfter = used > 0 ? windowEnd - now : 0;
    out.set(allowed, limit, Math.max(0, limit - used), resetAfter, retryAfter, now);
  }
}
