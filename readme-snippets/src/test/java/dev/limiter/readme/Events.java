/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.readme;

import dev.limiter.*;
import dev.limiter.failover.FailoverStore;
import dev.limiter.failover.FailureMode;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.StoreException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The README's events: one listener on the engine and on the failover store; its imports. */
final class Events {

  private Events() {}

  static RateLimiter limiter(RateLimitStore clusterStore) {
    // spotless:off
    // README: events
    Map<String, LongAdder> rejections = new ConcurrentHashMap<>(); // by policy, never by key

    RateLimitListener listener = new RateLimitListener() {
      @Override
      public void rejected(RateLimitPolicy policy, LimitStatus status, String key) {
        rejections.computeIfAbsent(policy.name(), name -> new LongAdder()).increment();
      }

      @Override
      public void circuitOpened(String store, String domain, StoreException failure) {
        System.err.println("rate-limit store " + store + " is left alone for " + domain);
      }
    };

    RateLimitStore store = FailoverStore.builder(clusterStore)   // the store's events
        .mode(FailureMode.LOCAL_FALLBACK)
        .listener(listener)
        .build();
    RateLimiter limiter = RateLimiter.builder()                  // the engine's events
        .store(store)
        .listener(listener)
        .build();
    // README end
    // spotless:on
    return limiter;
  }
}
