package dev.limiter.spi;

/**
 * {@link dev.limiter.Algorithm#FIXED_WINDOW}: one counter per window, windows aligned to the Unix
 * epoch, so the reset instant is exact ({@code 1d} resets at 00:00 UTC).
 *
 * <p>State: {@code [tag, window index, count]}.
 */
final class FixedWindow {

  static final int STATE_LENGTH = 3;

  private FixedWindow() {}

  static void apply(Step step, long[] state, long now, StepResult out) {
    long window = step.windowNanos();
    long index = Math.floorDiv(now, window);
    if (index > state[1]) {
      state[1] = index;
      state[2] = 0;
    } else {
      index = state[1]; // the clock stepped back: stay in the newest window
    }
    long windowEnd = (index + 1) * window;
    long limit = step.limit();
    long cost = step.cost();
    if (step.release()) {
      if (Math.floorDiv(step.stampNanos(), window) == index) {
        state[2] = Math.max(0, state[2] - cost);
      }
      result(true, limit, state[2], 0, windowEnd, now, out);
    } else if (cost > limit) {
      step.never(limit - Math.min(state[2], limit), state[2] > 0 ? windowEnd - now : 0, now, out);
    } else if (cost <= limit - state[2]) {
      state[2] += cost;
      result(true, limit, state[2], 0, windowEnd, now, out);
    } else {
      result(false, limit, state[2], windowEnd - now, windowEnd, now, out);
    }
  }

  private static void result(
      boolean allowed, long limit, long used, long retryAfter, long windowEnd, long now, StepResult out) {
    long resetAfter = used > 0 ? windowEnd - now : 0;
    out.set(allowed, limit, Math.max(0, limit - used), resetAfter, retryAfter, now);
  }
}
