/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.algorithm;

import dev.limiter.Algorithm;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The layout of a stored state and the algorithms that update it: what {@link Step} delegates to,
 * and what this project's stores know of a state beyond the store SPI.
 *
 * <p>A state is a {@code long[]} whose first element, the tag, holds the window in nanoseconds
 * shifted left by two and the algorithm's {@link Algorithm#code() code} in the low two bits. The
 * top {@value #STORE_BITS} bits of the tag belong to the store that holds the state ({@link
 * #storeBits}, {@link #setStoreBits}): the algorithms neither read nor change them, and a fresh
 * state has them at 0. Each algorithm keeps a 32-bit generation in a half-word of its state.
 *
 * <p>Not API: the module exports this package only to the stores of this project.
 */
public final class States {

  /**
   * How many bits of a state's first element are the store's own: 3. A window of at most {@link
   * Step#MAX_WINDOW_NANOS} (under 2<sup>59</sup> ns) and the algorithm fit in the other 61.
   */
  public static final int STORE_BITS = 3;

  /** A state's generation is 32 bits; the bits above are free for a store that routes releases. */
  public static final long GENERATION_MASK = 0xFFFF_FFFFL;

  private static final int STORE_SHIFT = Long.SIZE - STORE_BITS;
  private static final long TAG_MASK = -1L >>> STORE_BITS;

  private States() {}

  /**
   * Returns the state to update for {@code step}: {@code stored} when it was written for the step's
   * algorithm and window, else a fresh state with a new generation; for a release, {@code stored}
   * as it is. See {@link Step#prepare}.
   *
   * @param step the step
   * @param stored the state kept for the key, or null
   * @return the state to pass to {@link #apply}
   */
  public static long[] prepare(Step step, long @Nullable [] stored) {
    long tag = tag(step);
    if (stored != null && step.release()) {
      return stored;
    }
    if (stored != null && isStateOf(step, stored)) {
      return step.algorithm() == Algorithm.SLIDING_WINDOW
          ? SlidingWindow.widenFor(step, stored)
          : stored;
    }
    long[] fresh =
        new long
            [step.algorithm() == Algorithm.SLIDING_WINDOW
                ? SlidingWindow.freshLength(step)
                : stateLength(step)];
    fresh[0] = tag;
    int generation;
    do {
      generation = ThreadLocalRandom.current().nextInt();
    } while (generation == 0 || generation == (int) step.generation());
    setGeneration(step.algorithm(), fresh, generation & GENERATION_MASK);
    return fresh;
  }

  /**
   * Applies {@code step} to {@code state} in place and fills {@code result}. See {@link
   * Step#applyTo(long[], long, StepResult)}.
   *
   * @param step the step
   * @param state a state returned by {@link #prepare}
   * @param nowNanos the store's time
   * @param result the holder to fill
   * @throws IllegalArgumentException if {@code state} was not prepared for this step
   */
  public static void apply(Step step, long[] state, long nowNanos, StepResult result) {
    boolean prepared = isStateOf(step, state);
    if (step.release()
        && (!prepared
            || generationOf(step.algorithm(), state) != (step.generation() & GENERATION_MASK))) {
      nothingGivenBack(step, nowNanos, result); // another state than the one that took the units
      return;
    }
    if (!prepared) {
      throw new IllegalArgumentException("state was not prepared for " + step);
    }
    switch (step.algorithm()) {
      case SLIDING_WINDOW -> SlidingWindow.apply(step, state, nowNanos, result);
      case FIXED_WINDOW -> FixedWindow.apply(step, state, nowNanos, result);
      case TOKEN_BUCKET -> TokenBucket.apply(step, state, nowNanos, result);
    }
    result.setGeneration(generationOf(step.algorithm(), state));
  }

  /**
   * Returns how long a state must be kept after {@code step} last updated it. See {@link
   * Step#expiryNanos()}.
   *
   * @param step the step
   * @return nanoseconds of idleness after which the state equals a fresh one
   */
  public static long expiryNanos(Step step) {
    long window = step.windowNanos();
    return switch (step.algorithm()) {
      case SLIDING_WINDOW -> SlidingWindow.expiryNanos(window);
      case FIXED_WINDOW -> window;
      case TOKEN_BUCKET ->
          step.limit() == 0 ? window : step.limit() * TokenBucket.intervalNanos(step) + 1;
    };
  }

  /**
   * Returns how long {@code state} must be kept after its last update, from the state alone. See
   * {@link Step#expiryNanosOf(long[])}.
   *
   * @param state a state
   * @return nanoseconds of idleness after which the state equals a fresh one
   * @throws IllegalArgumentException if {@code state} is not a state of any step
   */
  public static long expiryNanosOf(long[] state) {
    long tag = state.length == 0 ? 0 : tagOf(state);
    long window = tag >>> 2;
    if (window < Step.MIN_WINDOW_NANOS || window > Step.MAX_WINDOW_NANOS) {
      throw new IllegalArgumentException("not a rate-limit state: tag " + tag);
    }
    int code = (int) (tag & 3);
    if (code == Algorithm.SLIDING_WINDOW.code()) {
      return SlidingWindow.expiryNanos(window);
    } else if (code == Algorithm.FIXED_WINDOW.code()) {
      return window;
    } else if (code == Algorithm.TOKEN_BUCKET.code() && state.length > 2) {
      return TokenBucket.expiryNanosOf(window, TokenBucket.storedLimit(state));
    }
    throw new IllegalArgumentException("not a rate-limit state: tag " + tag);
  }

  /**
   * Returns whether {@code step} can update {@code state} in place without changing {@link
   * #expiryNanosOf(long[]) how long the state must be kept}, which is then at least the step's
   * {@link Step#expiryNanos()}: the state was prepared for the step's algorithm and window; for a
   * token bucket, last updated for the step's limit; for a sliding window, its counters are wide
   * enough for what the step may take (else {@link #prepare} returns a wider copy). A store that
   * sets a key's expiry from its state and then updates it without a write (as the Caffeine store's
   * fast path does) takes another path when this is false.
   *
   * @param step the step
   * @param state a state kept for a key
   * @return whether {@link #prepare} returns {@code state} and the step keeps its expiry
   */
  public static boolean updatesInPlace(Step step, long[] state) {
    if (!isStateOf(step, state)) {
      return false;
    }
    if (step.algorithm() == Algorithm.SLIDING_WINDOW) {
      return SlidingWindow.fits(step, state);
    }
    return step.algorithm() != Algorithm.TOKEN_BUCKET
        || step.limit() == 0
        || TokenBucket.storedLimit(state) == step.limit();
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
    state[0] = tagOf(state) | ((long) bits << STORE_SHIFT);
  }

  /**
   * Fills {@code out} with the result of a release that found another state than the one that took
   * its units, or none: not allowed, nothing given back, generation 0; the other values say nothing
   * about the key.
   *
   * @param step the release
   * @param nowNanos the store's time
   * @param out the holder to fill
   */
  public static void nothingGivenBack(Step step, long nowNanos, StepResult out) {
    out.set(false, step.limit(), 0, 0, 0, nowNanos);
  }

  /**
   * Returns whether {@code state} still holds units at {@code nowNanos}, that is, whether dropping
   * it would give its key units back; false for anything that is not a rate-limit state.
   *
   * @param state a state, or any array
   * @param nowNanos the store's time
   * @return whether the state holds units
   */
  public static boolean holdsUnits(long[] state, long nowNanos) {
    long tag = state.length == 0 ? 0 : tagOf(state);
    long window = tag >>> 2;
    if (window < Step.MIN_WINDOW_NANOS || window > Step.MAX_WINDOW_NANOS) {
      return false;
    }
    int code = (int) (tag & 3);
    if (code == Algorithm.SLIDING_WINDOW.code() && SlidingWindow.isStateLength(state.length)) {
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
   *
   * @return {@code into}, or a wider copy of it when a sliding window's counters must grow to hold
   *     the merged counts
   */
  static long[] absorb(long[] into, long[] from, long nowNanos) {
    long tag = tagOf(into);
    boolean sliding = (int) (tag & 3) == Algorithm.SLIDING_WINDOW.code();
    if (tag != tagOf(from)
        || (sliding
            ? !SlidingWindow.isStateLength(into.length) || !SlidingWindow.isStateLength(from.length)
            : into.length != from.length)) {
      throw new IllegalArgumentException("states of different algorithms or windows do not merge");
    }
    long window = tag >>> 2;
    int code = (int) (tag & 3);
    if (sliding) {
      return SlidingWindow.absorb(into, from);
    } else if (code == Algorithm.FIXED_WINDOW.code()) {
      FixedWindow.absorb(into, from, window, nowNanos);
    } else {
      TokenBucket.absorb(into, from);
    }
    return into;
  }

  /** Gives {@code state}, a copy of another of {@code algorithm}, a generation of its own. */
  static void renew(Algorithm algorithm, long[] state) {
    long old = generationOf(algorithm, state);
    int generation;
    do {
      generation = ThreadLocalRandom.current().nextInt();
    } while (generation == 0 || (generation & GENERATION_MASK) == old);
    setGeneration(algorithm, state, generation & GENERATION_MASK);
  }

  /** The first element of a state for {@code step}, without the store's bits. */
  static long tag(Step step) {
    return (step.windowNanos() << 2) | step.algorithm().code();
  }

  /** The tag of a state: its first element without the store's bits. */
  static long tagOf(long[] state) {
    return state[0] & TAG_MASK;
  }

  /** The result for a request that can never be served under this limit (cost above limit). */
  static void never(
      Step step, long remaining, long resetAfterNanos, long nowNanos, StepResult out) {
    out.set(
        false,
        step.limit(),
        Math.min(step.limit(), remaining),
        resetAfterNanos,
        step.windowNanos(),
        nowNanos);
  }

  /** The generation of a state of {@code algorithm}: where each algorithm keeps it. */
  private static long generationOf(Algorithm algorithm, long[] state) {
    return switch (algorithm) {
      case SLIDING_WINDOW -> SlidingWindow.generation(state);
      case FIXED_WINDOW -> FixedWindow.generation(state);
      case TOKEN_BUCKET -> TokenBucket.generation(state);
    };
  }

  private static void setGeneration(Algorithm algorithm, long[] state, long generation) {
    switch (algorithm) {
      case SLIDING_WINDOW -> SlidingWindow.setGeneration(state, generation);
      case FIXED_WINDOW -> FixedWindow.setGeneration(state, generation);
      case TOKEN_BUCKET -> TokenBucket.setGeneration(state, generation);
    }
  }

  /** Whether {@code state} is a state of the step's algorithm and window, of a length it uses. */
  private static boolean isStateOf(Step step, long[] state) {
    boolean length =
        switch (step.algorithm()) {
          case SLIDING_WINDOW -> SlidingWindow.isStateLength(state.length);
          case FIXED_WINDOW -> state.length == FixedWindow.STATE_LENGTH;
          case TOKEN_BUCKET -> state.length == TokenBucket.STATE_LENGTH;
        };
    return length && tagOf(state) == tag(step);
  }

  /** The length of a state of a fixed window or a token bucket. */
  private static int stateLength(Step step) {
    return step.algorithm() == Algorithm.FIXED_WINDOW
        ? FixedWindow.STATE_LENGTH
        : TokenBucket.STATE_LENGTH;
  }
}
