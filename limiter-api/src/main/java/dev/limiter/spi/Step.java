/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spi;

import dev.limiter.Algorithm;
import dev.limiter.algorithm.States;
import java.util.Objects;
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
 * The top three bits of that first element are left to the store that holds the state: the
 * algorithms neither read nor change them, and a fresh state has them at 0.
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
 *     {@link dev.limiter.failover.FailoverStore} does); 0 for an acquire
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
  public static final int SUB_WINDOWS = 50;

  /** The shortest window, one millisecond. */
  public static final long MIN_WINDOW_NANOS = 1_000_000L;

  /** The longest window, 3660 days. */
  public static final long MAX_WINDOW_NANOS = 3660L * 86_400L * 1_000_000_000L;

  /**
   * Validates the components.
   *
   * @param algorithm how units are counted
   * @param windowNanos the window, in nanoseconds, at least one millisecond
   * @param limit units per window, 0 (every request is rejected) to {@value #MAX_LIMIT}
   * @param cost units the request takes, at least 1
   * @param release whether this step gives units back instead of taking them
   * @param stampNanos for a release, {@link StepResult#stampNanos()} of the step that took the
   *     units; 0 for an acquire
   * @param generation for a release, {@link StepResult#generation()} of the step that took the
   *     units, whose low 32 bits name the state (the high bits are free for a store that routes
   *     releases, as {@link dev.limiter.failover.FailoverStore} does); 0 for an acquire
   */
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
    return States.prepare(this, stored);
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
    States.apply(this, state, nowNanos, result);
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
    return States.expiryNanos(this);
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
    return States.expiryNanosOf(state);
  }
}
