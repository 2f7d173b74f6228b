/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

/**
 * The source of wall time for rate-limit decisions.
 *
 * <p>Stores read time through a clock so that a shared store decides on one clock and tests can
 * drive time with {@link ManualClock} instead of sleeping. Nothing in this library reads the system
 * time behind the clock's back.
 */
@FunctionalInterface
public interface Clock {

  /**
   * Returns the current wall time in nanoseconds since the Unix epoch (1970-01-01T00:00:00Z).
   *
   * <p>Precision may be coarser than a nanosecond (the system clock ticks in milliseconds); the
   * value may step backwards when the system clock is adjusted, and the algorithms tolerate that by
   * treating time that goes backwards as time that stands still.
   *
   * @return nanoseconds since the epoch
   */
  long epochNanos();

  /**
   * Returns the system wall clock, with millisecond precision.
   *
   * @return the system clock
   */
  static Clock system() {
    return SystemClock.INSTANCE;
  }
}

/** The system wall clock. */
enum SystemClock implements Clock {
  INSTANCE;

  @Override
  public long epochNanos() {
    return System.currentTimeMillis() * 1_000_000L;
  }
}
