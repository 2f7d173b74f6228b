/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spi;

import dev.limiter.Algorithm;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * One algorithm step for one key: take {@code cost} units under a limit, or give them back.
 *
 * <p>A step is plain data (so a distributed store can ship it to where the state lives) plus the
 * algorithm that interprets the state. Stores call {@link #prepare} and {@link #applyTo} inside
 * their atomic per-key update, as {@link RateLimitStore} describes; nothing else touches the state.
 *
 * <p>The state is a {@code long[]} whose first element identifies the algorithm and the window it
 * was written for. When either changes, {@link #prepare} starts the key afresh; when only the limit
 * changes (a plan upgrade, an override), the units already used still count against the new limit.
 * The top {@value #STORE_BITS} bits of that first element belong to the store that holds the state
 * ({@link #storeBits}, {@link #setStoreBits}): the algorithms neither read nor change them, and a
 * fresh state has them at 0.
 *
 * <p>Each state also holds a generation: a number from 1 to 2<sup>32</sup> - 1 drawn at random when
 * the state is created, which {@link StepResult#generation()} reports. A release carries the
 * generation of the acquire whose units it gives back and changes only a state of that generation:
 * units are given back to the state that took them or nowhere, never to a state created since
 * (after an eviction or a window change) nor to another store's state.
 *
 * @param algorithm how units are counted
 * @param windowNanos the window, in nanoseconds, at least one millisecond
 * @param limit units per window, 0 (every request is rejected) to {@value #MAX_LIMIT}
 * @param cost units the request takes, at least 1
 * @param release whether this step gives units back instead of taking them
 * @param stampNanos for a release, {@link StepResult#stampNanos()} of the step that took the units;
 *     0 for an acquire
 * @param generation for a release, {@link StepResult#generation()} of the step that took the units,
 *     whose low 32 bits name the state (the high bits are free for a store that routes releases, as
 *     {@link FailoverStore} does); 0 for an acquire
 */
public record Step(
    Algorithm algorithm,
    long windowNanos,
    long limit,
    long cost,
    boolean release,
    long stampNanos,
    long generation) {

  /** The largest limit a step accepts: counters are 32-bit. */
  public static final long MAX_LIMIT = Integer.MAX_VALUE;

  /** The number of sub-windows a {@link Algorithm#SLIDING_WINDOW} window is counted in. */
  public static final int SUB_WINDOWS = 10;

  /** The shortest window, one millisecond. */
  public static final long MIN_WINDOW_NANOS = 1_000_000L;

  /** The longest window, 3660 days. */
  public static final long MAX_WINDOW_NANOS = 3660L * 86_400L * 1_000_000_000L;

  /**
   * How many bits of a state's first element are the store's own: 3. A window of at most {@link
   * #MAX_WINDOW_NANOS} (under 2<sup>59</sup> ns) and the algorithm fit in the other 61.
   */
  public static final int STORE_BITS = 3;

  private static final int STORE_SHIFT = Long.SIZE - STORE_BITS;
  private static final long TAG_MASK = -1L >>> STORE_BITS;

  /** A state's generation is 32 bits; the algorithms keep it in a half-word of their state. */
  static final long GENERATION_MASK = 0xFFFF_FFFFL;

  /** Validates the components. */
  public Step {
    Objects.requireNonNull(algorithm, "algorithm");
    if (windowNanos < MIN_WINDOW_NANOS || windowNanos > MAX_WINDOW_NANOS) {
      throw new IllegalArgumentException(
          "windowNanos must be between 1 ms and 3660 days, was " + windowNanos);
    }
    if (limit < 0 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "limit must be between 0 and " + MAX_LIMIT + ", was " + limit);
    }
    if (cost < 1 || cost > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "cost must be between 1 and " + MAX_LIMIT + ", was " + cost);
    }
    if (!release && (stampNanos != 0 || generation != 0)) {
      throw new IllegalArgumentException(
          "an acquire step has stampNanos and generation 0, were "
              + stampNanos
              + " and "
              + generation);
    }
  }

  /**
   * Returns a step that takes {@code cost} units if all of them are available, and nothing
   * otherwise.
   *
   * @param algorithm how units are counted
   * @param windowNanos the window in nanoseconds
   * @param limit units per window
   * @param cost units to take
   * @return the step
   * @throws IllegalArgumentException if a value is out of range
   */
  public static Step acquire(Algorithm algorithm, long windowNanos, long limit, long cost) {
    return new Step(algorithm, windowNanos, limit, cost, false, 0, 0);
  }

  /**
   * Returns a step that gives back {@code cost} units taken by an earlier acquire, so that a
   * request rejected by another of its limits consumes nothing. Units whose time has passed are not
   * given back twice. Only the state that took the units, the one of {@code generation}, is
   * changed; for any other, or none, the release changes nothing and its result is not {@link
   * StepResult#allowed() allowed}.
   *
   * @param algorithm how units are counted
   * @param windowNanos the window in nanoseconds
   * @param limit units per window
   * @param cost units to give back
   * @param stampNanos {@link StepResult#stampNanos()} of the acquire
   * @param generation {@link StepResult#generation()} of the acquire
   * @return the step
   * @throws IllegalArgumentException if a value is out of range
   */
  public static Step release(
      Algorithm algorithm,
      long windowNanos,
      long limit,
      long cost,
      long stampNanos,
      long generation) {
    return new Step(algorithm, windowNanos, limit, cost, true, stampNanos, generation);
  }

  /**
   * Returns the array to update for this step: {@code stored} when it was written for this step's
   * algorithm and window, else a fresh state with a new generation. A release never replaces a
   * state: it returns {@code stored} as it is, which {@link #applyTo} then leaves alone.
   *
   * @param stored the state kept for the key, or null if there is none
   * @return the state to pass to {@link #applyTo}; a store keeps this array for the key (for a
   *     release on a key without state it may also keep none)
   */
  public long[] prepare(long @Nullable [] stored) {
    long tag = tag();
    if (stored != null
        && (release || (stored.length == stateLength() && (stored[0] & TAG_MASK) == tag))) {
      return stored;
    }
    long[] fresh = new long[stateLength()];
    fresh[0] = tag;
    int generation;
    do {
      generation = ThreadLocalRandom.current().nextInt();
    } while (generation == 0 || generation == (int) this.generation);
    setGeneration(fresh, generation & GENERATION_MASK);
    return fresh;
  }

  /**
   * Applies this step to {@code state}, updating it in place, and writes what it decided into
   * {@code result}.
   *
   * @param state an array returned by {@link #prepare}
   * @param nowNanos the store's time in nanoseconds since the epoch
   * @param result the holder to fill; every value is overwritten
   * @throws IllegalArgumentException if {@code state} was not prepared for this step
   */
  public void applyTo(long[] state, long nowNanos, StepResult result) {
    boolean prepared = state.length == stateLength() && (state[0] & TAG_MASK) == tag();
    if (release && (!prepared || generationOf(state) != (generation & GENERATION_MASK))) {
      nothingGivenBack(nowNanos, result); // another state than the one that took the units
      return;
    }
    if (!prepared) {
      throw new IllegalArgumentException("state was not prepared for " + this);
    }
    switch (algorithm) {
      case SLIDING_WINDOW -> SlidingWindow.apply(this, state, nowNanos, result);
      case FIXED_WINDOW -> FixedWindow.apply(this, state, nowNanos, result);
      case TOKEN_BUCKET -> TokenBucket.apply(this, state, nowNanos, result);
    }
    result.setGeneration(generationOf(state));
  }

  /**
   * Applies this step to {@code state}, updating it in place, and returns what it decided in a new
   * holder; {@link #applyTo(long[], long, StepResult)} fills one the caller reuses.
   *
   * @param state an array returned by {@link #prepare}
   * @param nowNanos the store's time in nanoseconds since the epoch
   * @return what the step decided
   * @throws IllegalArgumentException if {@code state} was not prepared for this step
   */
  public StepResult applyTo(long[] state, long nowNanos) {
    StepResult result = new StepResult();
    applyTo(state, nowNanos, result);
    return result;
  }

  /**
   * Returns how long a key's state must be kept after its last update; after that it holds no units
   * and may be dropped.
   *
   * @return nanoseconds of idleness after which the state equals a fresh one
   */
  public long expiryNanos() {
    return switch (algorithm) {
      case SLIDING_WINDOW -> SlidingWindow.SLOTS * SlidingWindow.slotNanos(windowNanos);
      case FIXED_WINDOW -> windowNanos;
      case TOKEN_BUCKET -> limit == 0 ? windowNanos : limit * TokenBucket.intervalNanos(this) + 1;
    };
  }

  /**
   * Returns how long {@code state} must be kept after its last update, read from the state alone:
   * at least {@link #expiryNanos()} of the step that last updated it, so that a store can set a
   * key's expiry without the step at hand (when it refreshes the expiry on a read, before the
   * step).
   *
   * <p>This equals the {@link #expiryNanos()} of the step that last updated the state (a token
   * bucket's state keeps the limit it was last updated for).
   *
   * @param state a state returned by {@link #prepare} and updated by {@link #applyTo}
   * @return nanoseconds of idleness after which the state equals a fresh one
   * @throws IllegalArgumentException if {@code state} is not a state of any step
   */
  public static long expiryNanosOf(long[] state) {
    long tag = state.length == 0 ? 0 : state[0] & TAG_MASK;
    long window = tag >>> 2;
    if (window < MIN_WINDOW_NANOS || window > MAX_WINDOW_NANOS) {
      throw new IllegalArgumentException("not a rate-limit state: tag " + tag);
    }
    int code = (int) (tag & 3);
    if (code == Algorithm.SLIDING_WINDOW.code()) {
      return SlidingWindow.SLOTS * SlidingWindow.slotNanos(window);
    } else if (code == Algorithm.FIXED_WINDOW.code()) {
      return window;
    } else if (code == Algorithm.TOKEN_BUCKET.code() && state.length > 2) {
      return TokenBucket.expiryNanosOf(window, TokenBucket.storedLimit(state));
    }
    throw new IllegalArgumentException("not a rate-limit state: tag " + tag);
  }

  /**
   * Returns whether this step can update {@code state} in place without changing {@link
   * #expiryNanosOf(long[]) how long the state must be kept}, which is then at least this step's
   * {@link #expiryNanos()}: the state was prepared for this step's algorithm and window, and for a
   * token bucket, last updated for this step's limit. A store that sets a key's expiry from its
   * state and then updates it without a write (as the Caffeine store's fast path does) takes
   * another path when this is false.
   *
   * @param state a state kept for a key
   * @return whether {@link #prepare} returns {@code state} and the step keeps its expiry
   */
  public boolean updatesInPlace(long[] state) {
    if (state.length != stateLength() || (state[0] & TAG_MASK) != tag()) {
      return false;
    }
    return algorithm != Algorithm.TOKEN_BUCKET
        || limit == 0
        || TokenBucket.storedLimit(state) == limit;
  }

  /**
   * Returns the {@value #STORE_BITS} bits of {@code state} that belong to the store, from 0 to 7.
   *
   * @param state a state returned by {@link #prepare}
   * @return the store's bits
   */
  public static int storeBits(long[] state) {
    return (int) (state[0] >>> STORE_SHIFT);
  }

  /**
   * Sets the {@value #STORE_BITS} bits of {@code state} that belong to the store; the rest of the
   * state is unchanged.
   *
   * @param state a state returned by {@link #prepare}
   * @param bits the bits, from 0 to 7
   * @throws IllegalArgumentException if {@code bits} is out of range
   */
  public static void setStoreBits(long[] state, int bits) {
    if (bits < 0 || bits >= 1 << STORE_BITS) {
      throw new IllegalArgumentException("store bits are from 0 to 7, was " + bits);
    }
    state[0] = (state[0] & TAG_MASK) | ((long) bits << STORE_SHIFT);
  }

  /**
   * The result of a release that found another state than the one that took its units: not allowed,
   * nothing given back, generation 0; the other values say nothing about the key.
   */
  void nothingGivenBack(long nowNanos, StepResult out) {
    out.set(false, limit, 0, 0, 0, nowNanos);
  }

  /** The generation of a state of this step's algorithm: where each algorithm keeps it. */
  private long generationOf(long[] state) {
    return switch (algorithm) {
      case SLIDING_WINDOW -> SlidingWindow.generation(state);
      case FIXED_WINDOW -> FixedWindow.generation(state);
      case TOKEN_BUCKET -> TokenBucket.generation(state);
    };
  }

  private void setGeneration(long[] state, long generation) {
    switch (algorithm) {
      case SLIDING_WINDOW -> SlidingWindow.setGeneration(state, generation);
      case FIXED_WINDOW -> FixedWindow.setGeneration(state, generation);
      case TOKEN_BUCKET -> TokenBucket.setGeneration(state, generation);
    }
  }

  private int stateLength() {
    return switch (algorithm) {
      case SLIDING_WINDOW -> SlidingWindow.STATE_LENGTH;
      case FIXED_WINDOW -> FixedWindow.STATE_LENGTH;
      case TOKEN_BUCKET -> TokenBucket.STATE_LENGTH;
    };
  }

  /** The first element of a state for this step, without the store's bits. */
  long tag() {
    return (windowNanos << 2) | algorithm.code();
  }

  /** The tag of a state: its first element without the store's bits. */
  static long tagOf(long[] state) {
    return state[0] & TAG_MASK;
  }

  /** Gives {@code state}, a copy of another, a generation of its own. */
  void renew(long[] state) {
    long old = generationOf(state);
    int generation;
    do {
      generation = ThreadLocalRandom.current().nextInt();
    } while (generation == 0 || (generation & GENERATION_MASK) == old);
    setGeneration(state, generation & GENERATION_MASK);
  }

  /**
   * Whether {@code state} still holds units at {@code nowNanos}, that is, whether dropping it would
   * give its key units back; false for anything that is not a rate-limit state.
   */
  static boolean holdsUnits(long[] state, long nowNanos) {
    long tag = state.length == 0 ? 0 : state[0] & TAG_MASK;
    long window = tag >>> 2;
    if (window < MIN_WINDOW_NANOS || window > MAX_WINDOW_NANOS) {
      return false;
    }
    int code = (int) (tag & 3);
    if (code == Algorithm.SLIDING_WINDOW.code() && state.length == SlidingWindow.STATE_LENGTH) {
      return SlidingWindow.holdsUnits(state, window, nowNanos);
    } else if (code == Algorithm.FIXED_WINDOW.code() && state.length == FixedWindow.STATE_LENGTH) {
      return FixedWindow.holdsUnits(state, window, nowNanos);
    } else if (code == Algorithm.TOKEN_BUCKET.code() && state.length == TokenBucket.STATE_LENGTH) {
      return TokenBucket.holdsUnits(state, nowNanos);
    }
    return false;
  }

  /**
   * Merges {@code from} into {@code into}, a state of the same algorithm and window, so that {@code
   * into} then counts, in every sub-window, at least what either counted at {@code nowNanos}: the
   * conservative merge of {@link EvictionSummary}. Taking the larger count rather than the sum
   * keeps every key's own units however many keys share a slot, and a state that started from the
   * slot and comes back to it adds only what it took since. {@code into} keeps its generation.
   */
  static void absorb(long[] into, long[] from, long nowNanos) {
    long tag = tagOf(into);
    if (tag != tagOf(from) || into.length != from.length) {
      throw new IllegalArgumentException("states of different algorithms or windows do not merge");
    }
    long window = tag >>> 2;
    int code = (int) (tag & 3);
    if (code == Algorithm.SLIDING_WINDOW.code()) {
      SlidingWindow.absorb(into, from);
    } else if (code == Algorithm.FIXED_WINDOW.code()) {
      FixedWindow.absorb(into, from, window, nowNanos);
    } else {
      TokenBucket.absorb(into, from);
    }
  }

  /** The result for a request that can never be served under this limit (cost above limit). */
  void never(long remaining, long resetAfterNanos, long nowNanos, StepResult out) {
    out.set(false, limit, Math.min(limit, remaining), resetAfterNanos, windowNanos, nowNanos);
  }
}
