/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.webmvc;

import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import dev.limiter.spi.StoreException;
import java.time.Duration;

/**
 * A real store that cannot answer for keys ending in {@code :down}, as a store whose member for
 * those keys is gone: the engine answers a {@code StoreUnavailable}, which the adapters send as
 * 503.
 */
final class DownForSomeKeys implements RateLimitStore {

  private final RateLimitStore store;

  DownForSomeKeys(RateLimitStore store) {
    this.store = store;
  }

  @Override
  public void apply(String key, Step step, StepResult result) {
    if (key.endsWith(":down")) {
      throw new StoreException(
          "the member that owns " + key + " is gone", null, Duration.ofSeconds(7));
    }
    store.apply(key, step, result);
  }

  @Override
  public void close() {
    store.close();
  }
}
