/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.http;

import dev.limiter.Decision;
import dev.limiter.LimitStatus;

/**
 * The whole seconds that headers and bodies carry, each rounded so that a client that trusts it is
 * never early. {@code Retry-After} is not here: it is {@link Decision#retryAfterSeconds()} and
 * {@link dev.limiter.StoreUnavailable#retryAfterSeconds()}, which rejection handlers read too.
 */
final class Seconds {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private Seconds() {}

  /**
   * Returns the Unix epoch second at or after the instant the reported limit's quota is fully back:
   * {@code ceil((epochNanos + resetAfterNanos) / 1e9)}, computed without overflow.
   */
  static long resetEpoch(Decision decision) {
    long epoch = decision.epochNanos();
    LimitStatus reported = decision.reported();
    long reset = reported == null ? 0 : reported.resetAfterNanos();
    long seconds = Math.floorDiv(epoch, NANOS_PER_SECOND) + reset / NANOS_PER_SECOND;
    long nanos = Math.floorMod(epoch, NANOS_PER_SECOND) + reset % NANOS_PER_SECOND;
    return seconds + (nanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
  }

  /**
   * Returns the seconds from the decision's whole second to {@link #resetEpoch}, so that a client
   * adding them to the {@code Date} field (which drops the fraction) reaches the same instant.
   */
  static long resetDelta(Decision decision) {
    return resetEpoch(decision) - Math.floorDiv(decision.epochNanos(), NANOS_PER_SECOND);
  }

  /** Returns the limit's window in seconds, rounded up and at least 1: the {@code w} parameter. */
  static long window(LimitStatus status) {
    return Math.max(1, ceil(status.windowNanos()));
  }

  private static long ceil(long nanos) {
    return nanos / NANOS_PER_SECOND + (nanos % NANOS_PER_SECOND == 0 ? 0 : 1);
  }
}
