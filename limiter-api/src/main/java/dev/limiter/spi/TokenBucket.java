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

  static StepResult apply(Step step, long[] state, long now) {
    long limit = step.limit();
    if (limit == 0) {
      return step.never(0, 0, now);
    }
    long interval = intervalNanos(step);
    if (state[2] != interval) {
      if (state[2] != 0 && state[1] > now) {
        // carry the used units (debt / old interval) over to the new interval, rounding up
        double used = (double) (state[1] - now) / state[2];
        state[1] = now + (long) Math.ceil(used * interval);
      }
      state[2] = interval;
    }
    long capacity = limit * interval;
    long cost = step.cost();
    long tat = Math.max(state[1], now);
    if (step.release()) {
      state[1] = Math.max(now, tat - cost * interval);
      return result(true, limit, state[1], interval, 0, now);
    }
    if (cost > limit) {
      return step.never(remaining(limit, tat, interval, now), tat - now, now);
    }
    long next = tat + cost * interval;
    if (next - now <= capacity) {
      state[1] = next;
      return result(true, limit, next, interval, 0, now);
    }
    return result(false, limit, tat, interval, next - capacity - now, now);
  }

  private static StepResult result(
      boolean allowed, long limit, long tat, long interval, long retryAfter, long now) {
    return new StepResult(
        allowed, limit, remaining(limit, tat, interval, now), Math.max(0, tat - now), retryAfter, now);
  }

  private static long remaining(long limit, long tat, long interval, long now) {
    long debt = Math.max(0, tat - now);
    long used = (debt + interval - 1) / interval;
    return Math.max(0, Math.min(limit, limit - used));
  }
}
