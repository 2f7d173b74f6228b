/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spi;

import java.util.Locale;

/**
 * What one {@link Step} decided for one key: a holder that the caller owns and the store fills.
 *
 * <p>A decision is on every request's path, so the store SPI writes its result into a holder
 * instead of returning a new object: a caller that decides in a loop reuses one holder and
 * allocates nothing per decision, as {@link dev.limiter.RateLimiter} does with one holder per
 * thread. A holder is not thread-safe; each thread uses its own. It is written completely by each
 * {@link RateLimitStore#apply(String, Step, StepResult)} and {@link Step#applyTo(long[], long,
 * StepResult)}, so nothing from an earlier decision remains. Two holders are {@link #equals equal}
 * when they hold the same values.
 *
 * <p>The values:
 *
 * <ul>
 *   <li>{@link #allowed()}: for an acquire, whether the units were taken; for a release, whether it
 *       found the state that took them (and gave back those still counted)
 *   <li>{@link #limit()}: the limit the step applied
 *   <li>{@link #remaining()}: units left after the step, between 0 and {@code limit}
 *   <li>{@link #resetAfterNanos()}: nanoseconds from {@code stampNanos} until every used unit is
 *       back
 *   <li>{@link #retryAfterNanos()}: when not allowed, nanoseconds from {@code stampNanos} until the
 *       same request would be allowed; 0 when allowed
 *   <li>{@link #stampNanos()}: the store's time of the step, in nanoseconds since the epoch; a
 *       later {@link Step#release} needs it to give the units back where they were taken
 *   <li>{@link #generation()}: which state decided, so that a later {@link Step#release} changes
 *       only that one; 0 when no stored state decided (a failure mode's answer)
 * </ul>
 */
public final class StepResult {

  private boolean allowed;
  private long limit;
  private long remaining;
  private long resetAfterNanos;
  private long retryAfterNanos;
  private long stampNanos;
  private long generation;

  /** Creates an empty holder: not allowed, every number 0, until a store fills it. */
  public StepResult() {}

  /**
   * Sets every value but the {@link #generation()}, which becomes 0, after checking them together;
   * {@link Step#applyTo(long[], long, StepResult)} then sets the generation of the state it
   * updated.
   *
   * @param allowed whether the units were taken
   * @param limit the limit the step applied
   * @param remaining units left after the step, between 0 and {@code limit}
   * @param resetAfterNanos nanoseconds until every used unit is back, not negative
   * @param retryAfterNanos nanoseconds until the same request would be allowed, not negative; 0
   *     when allowed
   * @param stampNanos the store's time of the step
   * @return this holder
   * @throws IllegalArgumentException if a value is out of range; the holder is then unchanged
   */
  public StepResult set(
      boolean allowed,
      long limit,
      long remaining,
      long resetAfterNanos,
      long retryAfterNanos,
      long stampNanos) {
    if (remaining < 0 || remaining > limit) {
      throw new IllegalArgumentException(
          "remaining must be between 0 and limit " + limit + ", was " + remaining);
    }
    if (resetAfterNanos < 0 || retryAfterNanos < 0) {
      throw new IllegalArgumentException(
          "resetAfterNanos and retryAfterNanos must not be negative, were "
              + resetAfterNanos
              + " and "
              + retryAfterNanos);
    }
    if (allowed && retryAfterNanos != 0) {
      throw new IllegalArgumentException(
          "an allowed result has retryAfterNanos 0, was " + retryAfterNanos);
    }
    this.allowed = allowed;
    this.limit = limit;
    this.remaining = remaining;
    this.resetAfterNanos = resetAfterNanos;
    this.retryAfterNanos = retryAfterNanos;
    this.stampNanos = stampNanos;
    this.generation = 0;
    return this;
  }

  /**
   * Sets the generation: the one of the state that decided, or a value a store that routes releases
   * made of it (see {@link Step#generation()}).
   *
   * @param generation the generation, 0 when no stored state decided
   * @return this holder
   */
  public StepResult setGeneration(long generation) {
    this.generation = generation;
    return this;
  }

  /**
   * Returns, for an acquire, whether the units were taken; for a release, whether it found the
   * state that took them.
   *
   * @return whether the step was allowed
   */
  public boolean allowed() {
    return allowed;
  }

  /**
   * Returns the limit the step applied.
   *
   * @return the limit
   */
  public long limit() {
    return limit;
  }

  /**
   * Returns the units left after the step, between 0 and {@link #limit()}.
   *
   * @return the remaining units
   */
  public long remaining() {
    return remaining;
  }

  /**
   * Returns the nanoseconds from {@link #stampNanos()} until every used unit is back.
   *
   * @return the time until the key is as if unused
   */
  public long resetAfterNanos() {
    return resetAfterNanos;
  }

  /**
   * Returns, when not allowed, the nanoseconds from {@link #stampNanos()} until the same request
   * would be allowed; 0 when allowed.
   *
   * @return the wait
   */
  public long retryAfterNanos() {
    return retryAfterNanos;
  }

  /**
   * Returns the store's time of the step in nanoseconds since the epoch; a later {@link
   * Step#release} needs it.
   *
   * @return the time of the step
   */
  public long stampNanos() {
    return stampNanos;
  }

  /**
   * Returns which state decided: for an acquire, what a later {@link Step#release} of its units
   * must carry so that it changes that state alone; 0 when no stored state decided, as when a
   * {@link dev.limiter.failover.FailoverStore} answered for a store that could not, in which case a
   * release changes nothing.
   *
   * @return the generation
   */
  public long generation() {
    return generation;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StepResult other
        && allowed == other.allowed
        && limit == other.limit
        && remaining == other.remaining
        && resetAfterNanos == other.resetAfterNanos
        && retryAfterNanos == other.retryAfterNanos
        && stampNanos == other.stampNanos
        && generation == other.generation;
  }

  @Override
  public int hashCode() {
    int h = Boolean.hashCode(allowed);
    h = 31 * h + Long.hashCode(limit);
    h = 31 * h + Long.hashCode(remaining);
    h = 31 * h + Long.hashCode(resetAfterNanos);
    h = 31 * h + Long.hashCode(retryAfterNanos);
    h = 31 * h + Long.hashCode(stampNanos);
    return 31 * h + Long.hashCode(generation);
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "StepResult[allowed=%s, limit=%d, remaining=%d, resetAfterNanos=%d, retryAfterNanos=%d,"
            + " stampNanos=%d, generation=%d]",
        allowed,
        limit,
        remaining,
        resetAfterNanos,
        retryAfterNanos,
        stampNanos,
        generation);
  }
}
