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
 *
 * <p>Each algorithm has a {@link #code() code} that stored states and the messages between cluster
 * members carry. Codes are fixed for good: a new algorithm takes a new code, and the order of the
 * constants here means nothing.
 */
public enum Algorithm {
  /**
   * Never admits more than {@code max} units in any interval of length {@code window}. The window
   * is counted in {@value dev.limiter.spi.Step#SUB_WINDOWS} sub-windows, so units come back at most
   * one sub-window ({@code window / 50}, 2% of the window) late, never early, whatever {@code max}.
   * A key's state is 80 bytes while its window holds up to 63 units, and grows with the units it
   * holds (248 bytes past 65,535), never with {@code max}. The default.
   */
  SLIDING_WINDOW(0),

  /**
   * Counts units in windows aligned to the Unix epoch in UTC: a {@code "1d"} window resets at 00:00
   * UTC, a {@code "1h"} window on the hour. The reset time is exact.
   */
  FIXED_WINDOW(1),

  /**
   * A token bucket of {@code max} units that refills smoothly, one unit every {@code window / max}
   * (GCRA, one number of state). Allows a burst of {@code max}.
   */
  TOKEN_BUCKET(2);

  private final int code;

  Algorithm(int code) {
    this.code = code;
  }

  /**
   * Returns the algorithm's code, which stored states and the messages between cluster members
   * carry: 0 for {@link #SLIDING_WINDOW}, 1 for {@link #FIXED_WINDOW}, 2 for {@link #TOKEN_BUCKET}.
   * A code never changes and is never reused.
   *
   * @return the code, from 0 to 3
   */
  public int code() {
    return code;
  }

  /**
   * Returns the algorithm of a {@link #code() code}.
   *
   * @param code a code
   * @return the algorithm with that code
   * @throws IllegalArgumentException if no algorithm has that code (a state or message written by a
   *     newer version of the library)
   */
  public static Algorithm ofCode(int code) {
    return switch (code) {
      case 0 -> SLIDING_WINDOW;
      case 1 -> FIXED_WINDOW;
      case 2 -> TOKEN_BUCKET;
      default ->
          throw new IllegalArgumentException(
              "no algorithm has code " + code + "; was it written by a newer version of limiter?");
    };
  }
}
