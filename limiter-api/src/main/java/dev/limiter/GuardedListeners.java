/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import dev.limiter.failover.FailureMode;
import dev.limiter.spi.StoreException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;

/**
 * Listeners called in order, each guarded: what one throws (an exception, or a linkage error: a
 * listener built against a library that is not there) is caught, counted and logged at {@code
 * WARNING} at most once per {@value #LOG_INTERVAL_NANOS} nanoseconds (a minute) per listener, by
 * the clock, and the next listener is called. The logger is {@code dev.limiter.RateLimitListener}.
 * Thread-safe.
 */
final class GuardedListeners implements RateLimitListener {

  private static final System.Logger LOGGER = System.getLogger(RateLimitListener.class.getName());

  /** The shortest time between two reports of one listener's failures: one minute. */
  static final long LOG_INTERVAL_NANOS = 60_000_000_000L;

  private final RateLimitListener[] listeners;
  private final Clock clock;

  /** Per listener: when its next failure may be logged. */
  private final AtomicLongArray nextReportAt;

  /** Per listener: how many times it threw since its last report. */
  private final AtomicLongArray unreported;

  GuardedListeners(List<? extends RateLimitListener> listeners, Clock clock) {
    this.listeners = new RateLimitListener[listeners.size()];
    for (int i = 0; i < this.listeners.length; i++) {
      this.listeners[i] = Objects.requireNonNull(listeners.get(i), "listener");
    }
    this.clock = clock;
    this.nextReportAt = new AtomicLongArray(this.listeners.length);
    long now = clock.epochNanos();
    for (int i = 0; i < this.listeners.length; i++) {
      nextReportAt.set(i, now);
    }
    this.unreported = new AtomicLongArray(this.listeners.length);
  }

  /** Counts a throw of listener {@code i} and logs it if its interval has passed. */
  private void threw(int i, String event, Throwable e) {
    unreported.incrementAndGet(i);
    long now = clock.epochNanos();
    long next = nextReportAt.get(i);
    if (now - next < 0 || !nextReportAt.compareAndSet(i, next, now + LOG_INTERVAL_NANOS)) {
      return;
    }
    long times = unreported.getAndSet(i, 0);
    if (LOGGER.isLoggable(Level.WARNING)) {
      LOGGER.log(
          Level.WARNING,
          String.format(
              Locale.ROOT,
              "Rate-limit listener %s threw from %s and was ignored; it threw %d times since the"
                  + " last report (reported at most once a minute). Listeners must not throw.",
              listeners[i].getClass().getName(),
              event,
              times),
          e);
    }
  }

  @Override
  public void admitted(RateLimitPolicy policy, LimitStatus status, String key) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].admitted(policy, status, key);
      } catch (RuntimeException | LinkageError e) {
        threw(i, "admitted", e);
      }
    }
  }

  @Override
  public void rejected(RateLimitPolicy policy, LimitStatus status, String key) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].rejected(policy, status, key);
      } catch (RuntimeException | LinkageError e) {
        threw(i, "rejected", e);
      }
    }
  }

  @Override
  public void missingKey(RateLimitPolicy policy, MissingKey missing) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].missingKey(policy, missing);
      } catch (RuntimeException | LinkageError e) {
        threw(i, "missingKey", e);
      }
    }
  }

  @Override
  public void exempt(RateLimitPolicy policy, @Nullable String key) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].exempt(policy, key);
      } catch (RuntimeException | LinkageError e) {
        threw(i, "exempt", e);
      }
    }
  }

  @Override
  public void storeUnavailable(
      RateLimitPolicy policy, StoreUnavailable unavailable, StoreException cause) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].storeUnavailable(policy, unavailable, cause);
      } catch (RuntimeException | LinkageError e) {
        threw(i, "storeUnavailable", e);
      }
    }
  }

  @Override
  public void refunded(RateLimitPolicy policy, long units, boolean returned) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].refunded(policy, units, returned);
      } catch (RuntimeException | LinkageError e) {
        threw(i, "refunded", e);
      }
    }
  }

  @Override
  public void charged(RateLimitPolicy policy, long requested, long charged) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].charged(policy, requested, charged);
      } catch (RuntimeException | LinkageError e) {
        threw(i, "charged", e);
      }
    }
  }

  @Override
  public void storeFailed(String store, StoreException failure) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].storeFailed(store, failure);
      } catch (RuntimeException | LinkageError e) {
        threw(i, "storeFailed", e);
      }
    }
  }

  @Override
  public void failureModeAnswered(String store, FailureMode mode, String storeKey) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].failureModeAnswered(store, mode, storeKey);
      } catch (RuntimeException | LinkageError e) {
        threw(i, "failureModeAnswered", e);
      }
    }
  }

  @Override
  public void circuitOpened(String store, String domain, StoreException failure) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].circuitOpened(store, domain, failure);
      } catch (RuntimeException | LinkageError e) {
        threw(i, "circuitOpened", e);
      }
    }
  }

  @Override
  public void circuitClosed(String store, String domain, int failures) {
    for (int i = 0; i < listeners.length; i++) {
      try {
        listeners[i].circuitClosed(store, domain, failures);
      } catch (RuntimeException | LinkageError e) {
        threw(i, "circuitClosed", e);
      }
    }
  }

  @Override
  public String toString() {
    return "GuardedListeners" + List.of(listeners);
  }
}
