/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told to, for tests and simulations.
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
 * RateLimitStore store = CaffeineStore.builder().clock(clock).build();
 * clock.advance(Duration.ofMinutes(1));
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ManualClock implements Clock {

  private final AtomicLong epochNanos;

  private ManualClock(long epochNanos) {
    this.epochNanos = new AtomicLong(epochNanos);
  }

  /**
   * Returns a clock that stands at {@code instant}.
   *
   * @param instant the starting time
   * @return a new clock
   * @throws ArithmeticException if the instant does not fit in nanoseconds since the epoch
   */
  public static ManualClock at(Instant instant) {
    Objects.requireNonNull(instant, "instant");
    return new ManualClock(toEpochNanos(instant));
  }

  @Override
  public long epochNanos() {
    return epochNanos.get();
  }

  /**
   * Moves the clock forward (or backward, for a negative amount).
   *
   * @param amount how far to move
   * @return this clock
   */
  public ManualClock advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    epochNanos.addAndGet(amount.toNanos());
    return this;
  }

  /**
   * Moves the clock by a number of nanoseconds.
   *
   * @param nanos how far to move, negative to go back
   * @return this clock
   */
  public ManualClock advanceNanos(long nanos) {
    epochNanos.addAndGet(nanos);
    return this;
  }

  /**
   * Sets the clock to {@code instant}.
   *
   * @param instant the new time
   * @return this clock
   */
  public ManualClock set(Instant instant) {
    Objects.requireNonNull(instant, "instant");
    epochNanos.set(toEpochNanos(instant));
    return this;
  }

  /**
   * Returns the clock's time as an instant.
   *
   * @return the current instant of this clock
   */
  public Instant instant() {
    long nanos = epochNanos.get();
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  private static long toEpochNanos(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
  }

  @Override
  public String toString() {
    return "ManualClock[" + instant() + "]";
  }
}
