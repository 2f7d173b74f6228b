/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.test;

import dev.limiter.Clock;
import dev.limiter.ManualClock;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the {@link StoreCompatibilityKit} on the simplest correct store, so that the kit and the
 * algorithms are checked inside {@code limiter-api}, without any third-party store.
 */
class ConcurrentMapStoreTest extends StoreCompatibilityKit {

  @Override
  protected RateLimitStore createStore(ManualClock clock) {
    return new ConcurrentMapStore(clock);
  }

  @Override
  protected long storedKeys(RateLimitStore store) {
    return ((ConcurrentMapStore) store).size();
  }

  /** A {@link ConcurrentHashMap} whose entries expire lazily, on the next access. */
  static final class ConcurrentMapStore implements RateLimitStore {

    /** A key's state and when it expires (a class: a record's equals would compare the array). */
    private static final class Entry {
      private final long[] state;
      private final long expiresAtNanos;

      Entry(long[] state, long expiresAtNanos) {
        this.state = state;
        this.expiresAtNanos = expiresAtNanos;
      }

      long[] state() {
        return state;
      }

      long expiresAtNanos() {
        return expiresAtNanos;
      }
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;

    ConcurrentMapStore(Clock clock) {
      this.clock = clock;
    }

    @Override
    public void apply(String key, Step step, StepResult result) {
      entries.compute(
          key,
          (k, current) -> {
            long now = clock.epochNanos();
            boolean live = current != null && !expired(current, now);
            long[] state = step.prepare(live ? current.state() : null);
            step.applyTo(state, now, result);
            if (step.release()) {
              return live ? current : null; // a release never extends or creates an entry
            }
            return new Entry(state, now + step.expiryNanos());
          });
    }

    /** Drops the expired entries and returns how many are left. */
    long size() {
      long now = clock.epochNanos();
      entries.values().removeIf(entry -> expired(entry, now));
      return entries.size();
    }

    private static boolean expired(Entry entry, long now) {
      return now - entry.expiresAtNanos() >= 0;
    }
  }
}
