/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.failover;

import dev.limiter.spi.StoreException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The breaker of one failure domain: the keys whose calls go to the same place (a cluster member)
 * fail together, and open and probe their own circuit.
 *
 * <p>It is open from the {@code failureThreshold}-th failure in a row until a call succeeds. While
 * open, no call goes through for {@code openInterval} after the last failure; after that one call
 * at a time may probe. Thread-safe: a failure writes its time before it counts, so a thread that
 * sees the circuit open also sees when it last failed.
 */
final class Circuit {

  private final String name;
  private final int failureThreshold;
  private final long openIntervalNanos;
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile long lastFailureAt;
  private volatile @Nullable StoreException lastFailure;

  Circuit(String name, int failureThreshold, long openIntervalNanos) {
    this.name = name;
    this.failureThreshold = failureThreshold;
    this.openIntervalNanos = openIntervalNanos;
  }

  /** The domain's name in log messages. */
  String name() {
    return name;
  }

  /** Whether calls for this domain are left alone (but for probes). */
  boolean open() {
    return consecutiveFailures.get() >= failureThreshold;
  }

  /** Whether the last call for this domain failed, so that the next success is a recovery. */
  boolean failing() {
    return consecutiveFailures.get() != 0;
  }

  /**
   * Claims the probe of an open circuit: true when {@code openInterval} has passed since the last
   * failure and no other probe is in flight; the caller then calls the store and {@link #endProbe}.
   */
  boolean startProbe(long now) {
    long sinceFailure = now - lastFailureAt;
    boolean waiting = sinceFailure >= 0 && sinceFailure < openIntervalNanos;
    return !waiting && probing.compareAndSet(false, true);
  }

  /** Lets the next probe go, after the one {@link #startProbe} claimed has been answered. */
  void endProbe() {
    probing.set(false);
  }

  /**
   * Counts a failed call at {@code now}.
   *
   * @return whether this failure opened the circuit (the {@code failureThreshold}-th in a row)
   */
  boolean failed(StoreException e, long now) {
    lastFailure = e;
    lastFailureAt = now;
    return consecutiveFailures.incrementAndGet() == failureThreshold;
  }

  /**
   * Closes the circuit after a call succeeded.
   *
   * @return the number of failures in a row that had opened the circuit and this success ended; 0
   *     when the circuit was not open or another thread saw the recovery first
   */
  int succeeded() {
    int streak = consecutiveFailures.getAndSet(0);
    return streak >= failureThreshold ? streak : 0;
  }

  /**
   * The exception {@link FailureMode#FAIL_CLOSED} answers for this domain's keys: its retry-after
   * is the time until the next probe while the circuit is open, else the store's own suggestion.
   */
  StoreException unavailable(String storeName, long now) {
    StoreException cause = lastFailure;
    Duration retryAfter;
    if (open()) {
      long untilProbe = lastFailureAt + openIntervalNanos - now;
      retryAfter = Duration.ofNanos(Math.max(1_000_000L, Math.min(untilProbe, openIntervalNanos)));
    } else {
      retryAfter = cause != null ? cause.retryAfter() : Duration.ofNanos(openIntervalNanos);
    }
    String message =
        String.format(
            Locale.ROOT,
            "rate-limit store %s cannot answer and the failure mode is FAIL_CLOSED: %s",
            storeName,
            cause != null ? cause.getMessage() : "no answer");
    return new StoreException(message, cause, retryAfter);
  }
}
