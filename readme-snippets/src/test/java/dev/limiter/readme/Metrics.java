/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.readme;

import dev.limiter.*;
import dev.limiter.failover.FailoverStore;
import dev.limiter.failover.FailureMode;
import dev.limiter.micrometer.RateLimitMetrics;
import dev.limiter.spi.RateLimitStore;
import io.micrometer.core.instrument.MeterRegistry;

/** The README's metrics: one RateLimitMetrics on the engine and on the failover store. */
final class Metrics {

  private Metrics() {}

  static RateLimiter limiter(MeterRegistry registry, RateLimitStore clusterStore) {
    // spotless:off
    // README: metrics
    RateLimitMetrics metrics = RateLimitMetrics.of(registry);  // or a MeterBinder bean

    RateLimitStore store = FailoverStore.builder(metrics.timed(clusterStore, "cluster"))
        .name("cluster")
        .mode(FailureMode.LOCAL_FALLBACK)
        .listener(metrics)                                     // failures, fallbacks, circuits
        .build();
    RateLimiter limiter = RateLimiter.builder()
        .store(store)
        .listener(metrics)                                     // decisions, refunds, charges
        .build();
    // README end
    // spotless:on
    return limiter;
  }
}
