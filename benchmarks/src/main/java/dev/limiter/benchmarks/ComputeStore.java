/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;

/**
 * What {@code CaffeineStore} did before it decided on a quiet lookup and the key's own lock: every
 * decision one {@code asMap().compute} on a cache of {@code Entry(state, expiry)}, on the system
 * clock. Kept here, and measured in the same run, as the "before" of that change.
 */
final class ComputeStore implements RateLimitStore {

  private final Cache<String, Entry> cache;

  private static final class Entry {
    final long[] state;
    final long expiryNanos;

    Entry(long[] state, long expiryNanos) {
      this.state = state;
      this.expiryNanos = expiryNanos;
    }
  }

  ComputeStore(long maximumSize) {
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maximumSize)
            .expireAfter(
                new Expiry<String, Entry>() {
                  @Override
                  public long expireAfterCreate(String key, Entry value, long currentTime) {
                    return value.expiryNanos;
                  }

                  @Override
                  public long expireAfterUpdate(
                      String key, Entry value, long currentTime, long currentDuration) {
                    return value.expiryNanos;
                  }

                  @Override
                  public long expireAfterRead(
                      String key, Entry value, long currentTime, long currentDuration) {
                    return currentDuration;
                  }
                })
            .ticker(Ticker.systemTicker())
            .executor(Runnable::run)
            .build();
  }

  @Override
  public void apply(String key, Step step, StepResult result) {
    cache
        .asMap()
        .compute(
            key,
            (k, current) -> {
              long[] state = step.prepare(current == null ? null : current.state);
              step.applyTo(state, System.currentTimeMillis() * 1_000_000L, result);
              long expiry = step.expiryNanos();
              return current != null && current.state == state && current.expiryNanos == expiry
                  ? current
                  : new Entry(state, expiry);
            });
  }
}
