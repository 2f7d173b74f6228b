/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.failover;

import dev.limiter.spi.StoreException;
import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link FailoverStore} counts and logs: failed calls and fallback decisions, reported at
 * {@code WARNING} at most once per log interval with the counts since the last report, and a
 * recovery at {@code INFO}. The logger is {@code dev.limiter.failover.FailoverStore}. Thread-safe.
 */
final class FailureLog {

  private static final System.Logger LOGGER = System.getLogger(FailoverStore.class.getName());

  private final String name;
  private final FailureMode mode;
  private final long logIntervalNanos;
  private final BooleanSupplier circuitOpen;
  private final LongAdder failures = new LongAdder();
  private final LongAdder fallbacks = new LongAdder();
  private volatile @Nullable StoreException lastFailure;
  private final AtomicLong nextReportAt;
  private final AtomicLong reportedFallbacks = new AtomicLong();
  private final AtomicLong reportedFailures = new AtomicLong();

  /**
   * @param name the wrapped store's name in messages
   * @param circuitOpen whether some circuit is open, read for a report
   * @param now the time from which the first report may be made
   */
  FailureLog(
      String name, FailureMode mode, long logIntervalNanos, BooleanSupplier circuitOpen, long now) {
    this.name = name;
    this.mode = mode;
    this.logIntervalNanos = logIntervalNanos;
    this.circuitOpen = circuitOpen;
    this.nextReportAt = new AtomicLong(now);
  }

  /** Counts a failed call of the wrapped store. */
  void failed(StoreException e) {
    failures.increment();
    lastFailure = e;
  }

  /** Counts a request the failure mode decided at {@code now}, and reports if it is time to. */
  void fallback(long now) {
    fallbacks.increment();
    report(now);
  }

  /** Logs that a circuit closed after {@code streak} failures in a row. */
  void recovered(Circuit circuit, int streak) {
    LOGGER.log(
        Level.INFO,
        () ->
            String.format(
                Locale.ROOT,
                "Rate-limit store %s answers again for %s after %d failures in a row; deciding on"
                    + " it again",
                name,
                circuit.name(),
                streak));
  }

  long failures() {
    return failures.sum();
  }

  long fallbacks() {
    return fallbacks.sum();
  }

  /** Logs a summary at most once per interval, whichever thread gets there first. */
  private void report(long now) {
    long next = nextReportAt.get();
    if (now - next < 0 || !nextReportAt.compareAndSet(next, now + logIntervalNanos)) {
      return;
    }
    long fallbackCount = fallbacks.sum();
    long failureCount = failures.sum();
    long newFallbacks = fallbackCount - reportedFallbacks.getAndSet(fallbackCount);
    long newFailures = failureCount - reportedFailures.getAndSet(failureCount);
    StoreException cause = lastFailure;
    if (LOGGER.isLoggable(Level.WARNING)) {
      LOGGER.log(
          Level.WARNING,
          String.format(
              Locale.ROOT,
              "Rate-limit store %s is not answering: %d requests decided by %s since the last"
                  + " report (%d store calls failed, circuit %s); last error: %s",
              name,
              newFallbacks,
              describe(mode),
              newFailures,
              circuitOpen.getAsBoolean() ? "open" : "closed",
              cause != null ? cause.getMessage() : "none"),
          cause);
    }
  }

  private static String describe(FailureMode mode) {
    return switch (mode) {
      case FAIL_OPEN -> "FAIL_OPEN (served without limit)";
      case FAIL_CLOSED -> "FAIL_CLOSED (refused with 503)";
      case LOCAL_FALLBACK -> "LOCAL_FALLBACK (limited on this node alone)";
    };
  }
}
