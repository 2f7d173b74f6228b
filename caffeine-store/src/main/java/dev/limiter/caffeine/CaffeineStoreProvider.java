/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.caffeine;

import dev.limiter.RateLimitConfig;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.StoreProvider;

/**
 * Makes the Caffeine store available through {@link java.util.ServiceLoader} as {@code caffeine}.
 * Reads {@code ratelimit.caffeine.maximum-size} (default {@value
 * CaffeineStore#DEFAULT_MAXIMUM_SIZE}).
 */
public final class CaffeineStoreProvider implements StoreProvider {

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public CaffeineStoreProvider() {}

  @Override
  public String name() {
    return "caffeine";
  }

  @Override
  public RateLimitStore create(RateLimitConfig config) {
    String key = "ratelimit.caffeine.maximum-size";
    long maximumSize = config.getLong(key, CaffeineStore.DEFAULT_MAXIMUM_SIZE);
    if (maximumSize < 1) {
      throw new IllegalArgumentException(
          "configuration " + config.describe(key) + " must be at least 1: it bounds the keys held");
    }
    return CaffeineStore.builder().maximumSize(maximumSize).build();
  }
}
