/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.StoreProvider;

/** Two store providers that only a test's class loader lists, for the several-stores message. */
public final class TestStoreProviders {

  private TestStoreProviders() {}

  /** The store {@code first}. */
  public static final class First implements StoreProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public First() {}

    @Override
    public String name() {
      return "first";
    }

    @Override
    public RateLimitStore create(RateLimitConfig config) {
      return new MapStore(ManualClock.at(java.time.Instant.EPOCH));
    }
  }

  /** The store {@code second}. */
  public static final class Second implements StoreProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public Second() {}

    @Override
    public String name() {
      return "second";
    }

    @Override
    public RateLimitStore create(RateLimitConfig config) {
      return new MapStore(ManualClock.at(java.time.Instant.EPOCH));
    }
  }
}
