/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * A {@link dev.limiter.spi.RateLimitStore} for one node, on a Caffeine cache.
 *
 * @provides dev.limiter.spi.StoreProvider the store named {@code caffeine}
 */
module dev.limiter.caffeine {
  requires transitive dev.limiter;
  requires com.github.benmanes.caffeine;
  requires static transitive org.jspecify; // the nullness annotations are part of the API

  exports dev.limiter.caffeine;

  provides dev.limiter.spi.StoreProvider with
      dev.limiter.caffeine.CaffeineStoreProvider;
}
