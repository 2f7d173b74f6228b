/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spi;

import dev.limiter.RateLimitConfig;

/**
 * Creates a {@link RateLimitStore} from configuration; found through {@link
 * java.util.ServiceLoader}.
 *
 * <p>A store module lists its provider in {@code META-INF/services/dev.limiter.spi.StoreProvider}.
 * When exactly one provider is on the class path it is used; with several, the configuration key
 * {@code ratelimit.store} names one by {@link #name()}.
 */
public interface StoreProvider {

  /**
   * Returns the short name that {@code ratelimit.store} uses to pick this store, such as {@code
   * caffeine}.
   *
   * @return the store's name, lower case
   */
  String name();

  /**
   * Creates a store.
   *
   * @param config the merged configuration; a store reads its own keys such as {@code
   *     ratelimit.caffeine.maximum-size}
   * @return a new store
   * @throws IllegalArgumentException if a configuration value is invalid
   */
  RateLimitStore create(RateLimitConfig config);
}
