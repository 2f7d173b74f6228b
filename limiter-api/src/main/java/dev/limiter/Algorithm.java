/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

/**
 * How a policy counts units over its window.
 *
 * <p>Every algorithm is a pure function of the stored state, the store's clock, the policy and the
 * request's cost; stores apply it atomically per key through {@link dev.limiter.spi.Step}.
 */
public enum Algorithm {
  /**
   * Never admits more than {@code max} units in any interval of length {@code window}. The window
   * is kept as {@value dev.limiter.spi.Step#SUB_WINDOWS} sub-windows, so memory per key does not
   * depend on {@code max}; units come back at most one sub-window ({@code window / 10}) late, never
   * early. The default.
   */
  SLIDING_WINDOW,

  /**
   * Counts units in windows aligned to the Unix epoch in UTC: a {@code "1d"} window resets at 00:00
   * UTC, a {@code "1h"} window on the hour. The reset time is exact.
   */
  FIXED_WINDOW,

  /**
   * A token bucket of {@code max} units that refills smoothly, one unit every {@code window / max}
   * (GCRA, one number of state). Allows a burst of {@code max}.
   */
  TOKEN_BUCKET
}
