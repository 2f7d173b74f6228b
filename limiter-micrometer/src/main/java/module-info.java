/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The limiter's events as Micrometer meters: {@link dev.limiter.micrometer.RateLimitMetrics}.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // micrometer.core
module dev.limiter.micrometer {
  requires transitive dev.limiter;
  requires transitive micrometer.core; // MeterRegistry and MeterBinder are part of the API
  requires static transitive org.jspecify; // the nullness annotations are part of the API

  exports dev.limiter.micrometer;
}
