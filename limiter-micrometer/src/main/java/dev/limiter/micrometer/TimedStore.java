/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.micrometer;

import dev.limiter.micrometer.RateLimitMetrics.Meters;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A store whose calls are timed as {@code ratelimit.store.latency}, by the registry's clock, once
 * the metrics are bound; before that it only delegates.
 */
final class TimedStore implements RateLimitStore {
  private final RateLimitMetrics metrics;
  private final RateLimitStore delegate;
  private final String name;
  private volatile @Nullable Timer success;
  private volatile @Nullable Timer failure;

  TimedStore(RateLimitMetrics metrics, RateLimitStore delegate, String name) {
    this.metrics = metrics;
    this.delegate = delegate;
    this.name = name;
  }

  @Override
  public void apply(String key, Step step, StepResult result) {
    Meters bound = metrics.meters();
    if (bound == null) {
      delegate.apply(key, step, result);
      return;
    }
    Timer succeeded = success;
    Timer failed = failure;
    if (succeeded == null || failed == null) {
      succeeded = bound.latency(name, "success");
      failed = bound.latency(name, "failure");
      success = succeeded;
      failure = failed;
    }
    long start = bound.clock.monotonicTime();
    try {
      delegate.apply(key, step, result);
    } catch (RuntimeException e) {
      failed.record(bound.clock.monotonicTime() - start, TimeUnit.NANOSECONDS);
      throw e;
    }
    succeeded.record(bound.clock.monotonicTime() - start, TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "timed " + name + " " + delegate;
  }
}
