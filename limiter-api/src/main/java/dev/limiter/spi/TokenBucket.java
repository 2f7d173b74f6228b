package dev.limiter.spi;

/**
 * {@link dev.limiter.Algorithm#TOKEN_BUCKET} as GCRA: one unit every {@code T = ceil(window /
 * limit)}, a burst of {@code limit}.
 *
 * <p>Invariant: the theoretical arrival time {@code tat} is the instant at which the bucket is
 * full again; a request of {@code cost} is admitted iff {@code max(tat, now) + cost T - now <=
 * limit T}. Rounding {@code T} up keeps the refill at or below {@code limit} per window.
 *
 * <p>State: {@code [tag, tat, T]}. {@code T} is kept so that when the limit changes the units
 * already used are carried over to the new interval.
 */
final class TokenBucket {

  static final int STATE_LENGTH = 3;

  private TokenBucket() {}

  static long intervalNanos(Step step) {
    return (step.windowNanos() + step.limit() - 1) / step.limit();
  }

  /**
   * The expiry of the largest limit {@code L} whose interval is {@code interval}: {@code
   * ceil(window / L) = T} means {@code L < window / (T - 1)}, so {@code L <= (window - 1) / (T - 1)}
   * for {@code T >= 2}, and any limit up to {@link Step#MAX_LIMIT} for {@code T = 1}. An interval
   * of 0 (a fresh state, or only limit 0 seen) has the expiry of limit 0, the window.
   */
  static long expiryNanosOf(long window, long interval) {
    if (interval <= 0) {
      return window;
    }
    long largestLimit = interval == 1 ? Step.MAX_LIMIT : (window - 1) / (interval - 1);
    return Math.min(largestLimit, Step.MAX_LIMIT) * interval + 1;
  }

  static void apply(Step step, long[] state, long now, StepResult out) {
    long limit = step.limit();
    if (limit == 0) {
      // without an interval there is nothing to give back in; a release is still allowed
      if (step.release()) {
        out.set(true, 0, 0, 0, 0, now);
      } else {
        step.never(0, 0, now, out);
      }
      return;
    }
    long interval = intervalNanos(step);
    long capacity = limit * interval;
    if (state[2] != interval) {
      if (state[2] != 0 && state[1] > now) {
        // carry the used units (debt / old interval) over to the new interval, rounding up, but at
        // most a full bucket, so that the state is idle again after expiryNanos()
        double used = (double) (state[1] - now) / state[2];
        state[1] = now + Math.min(capacity, (long) Math.ceil(used * interval));
      }
      state[2] = interval;
    }
    long cost = step.cost();
    long tat = Math.max(state[1], now);
    if (step.release()) {
      // the acquire left its units as the last cost * T of the debt, so at least that much minus
      // the time since is still owed: give back only that, never units taken by others since
      long owed = cost * interval - Math.max(0, now - step.stampNanos());
      state[1] = Math.max(now, tat - Math.max(0, owed));
      result(true, limit, state[1], interval, 0, now, out);
      return;
    }
    if (cost > limit) {
      step.never(remaining(limit, tat, interval, now), tat - now, now, out);
      return;
    }
    long next = tat + cost * interval;
    if (next - now <= capacity) {
      state[1] = next;
      result(true, limit, next, interval, 0, now, out);
    } else {
      result(false, limit, tat, interval, next - capacity - now, now, out);
    }
  }

  private static void result(
      boolean allowed, long limit, long tat, long interval, long retryAfter, long now, StepResult out) {
    out.set(
        allowed, limit, remaining(limit, tat, interval, now), Math.max(0, tat - now), retryAfter, now);
  }

  private static long remaining(long limit, long tat, long interval, long now) {
    long debt = Math.max(0, tat - now);
    long used = (debt + interval - 1) / interval;
    return Math.max(0, Math.min(limit, limit - used));
  }
}
