/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.algorithm;

import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;

/**
 * {@link dev.limiter.Algorithm#TOKEN_BUCKET} as GCRA: one unit every {@code T = ceil(window /
 * limit)}, a burst of {@code limit}.
 *
 * <p>Invariant: the theoretical arrival time {@code tat} is the instant at which the bucket is full
 * again; a request of {@code cost} is admitted iff {@code max(tat, now) + cost T - now <= limit T}.
 * Rounding {@code T} up keeps the refill at or below {@code limit} per window.
 *
 * <p>State: {@code [tag, tat, limit | generation << 32]}. The limit the state was last updated for
 * is kept so that when it changes the units already used are carried over to the new interval.
 */
final class TokenBucket {

  static final int STATE_LENGTH = 3;

  private TokenBucket() {}

  static long intervalNanos(Step step) {
    return intervalNanos(step.windowNanos(), step.limit());
  }

  private static long intervalNanos(long window, long limit) {
    return (window + limit - 1) / limit;
  }

  /** The expiry of a state last updated for {@code limit}: 0 (a fresh state) has the window's. */
  static long expiryNanosOf(long window, long limit) {
    return limit == 0 ? window : limit * intervalNanos(window, limit) + 1;
  }

  /** The limit a state was last updated for; 0 for a fresh state. */
  static long storedLimit(long[] state) {
    return state[2] & States.GENERATION_MASK;
  }

  /** Whether the bucket is not full at {@code now}. */
  static boolean holdsUnits(long[] state, long now) {
    return storedLimit(state) != 0 && state[1] > now;
  }

  /**
   * Makes {@code into} full again no sooner than either: the later of the two instants at which
   * they are, at the larger of their limits. A larger limit refills each unit sooner, so with the
   * later instant the merged state owes, at every moment until then, at least as many units as
   * either.
   */
  static void absorb(long[] into, long[] from) {
    long tat = Long.MIN_VALUE;
    for (long[] state : new long[][] {into, from}) {
      if (storedLimit(state) != 0) {
        tat = Math.max(tat, state[1]);
      }
    }
    if (tat == Long.MIN_VALUE) {
      return;
    }
    into[1] = tat;
    into[2] = Math.max(storedLimit(into), storedLimit(from)) | (into[2] & ~States.GENERATION_MASK);
  }

  static long generation(long[] state) {
    return state[2] >>> 32;
  }

  static void setGeneration(long[] state, long generation) {
    state[2] = storedLimit(state) | generation << 32;
  }

  static void apply(Step step, long[] state, long now, StepResult out) {
    long limit = step.limit();
    if (limit == 0) {
      // without an interval there is nothing to give back in; a release is still allowed
      if (step.release()) {
        out.set(true, 0, 0, 0, 0, now);
      } else {
        States.never(step, 0, 0, now, out);
      }
      return;
    }
    long interval = intervalNanos(step);
    long capacity = limit * interval;
    long stored = storedLimit(state);
    if (stored != limit) {
      if (stored != 0 && state[1] > now) {
        // carry the used units (debt / old interval) over to the new interval, rounding up, but at
        // most a full bucket, so that the state is idle again after expiryNanos()
        double used = (double) (state[1] - now) / intervalNanos(step.windowNanos(), stored);
        state[1] = now + Math.min(capacity, (long) Math.ceil(used * interval));
      }
      state[2] = limit | (state[2] & ~States.GENERATION_MASK);
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
      States.never(step, remaining(limit, tat, interval, now), tat - now, now, out);
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
      boolean allowed,
      long limit,
      long tat,
      long interval,
      long retryAfter,
      long now,
      StepResult out) {
    out.set(
        allowed,
        limit,
        remaining(limit, tat, interval, now),
        Math.max(0, tat - now),
        retryAfter,
        now);
  }

  private static long remaining(long limit, long tat, long interval, long now) {
    long debt = Math.max(0, tat - now);
    long used = (debt + interval - 1) / interval;
    return Math.max(0, Math.min(limit, limit - used));
  }
}
