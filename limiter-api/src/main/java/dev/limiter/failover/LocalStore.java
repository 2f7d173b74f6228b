/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.failover;

import dev.limiter.Clock;
import dev.limiter.algorithm.EvictionSummary;
import dev.limiter.algorithm.States;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small in-memory store for when the real one is away: a {@link ConcurrentHashMap} updated per
 * key with {@code compute}, holding at most about {@code maximumSize} keys.
 *
 * <p>Idle keys are dropped lazily once their step's expiry has passed. When the map is full, a
 * sweep removes expired keys and, if that is not enough, arbitrary keys down to 90% of the bound;
 * what a removed key still counts goes to an {@link EvictionSummary}, from which it starts again.
 * Good enough for a fallback that runs for minutes, not a cache to build a product on.
 */
final class LocalStore implements RateLimitStore {

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final ReentrantLock sweeping = new ReentrantLock();
  private final int maximumSize;
  private final Clock clock;
  private final EvictionSummary evicted;

  /** A key's state and the time after which it holds no units. */
  private static final class Entry {
    final long[] state;
    volatile long expiresAt;

    Entry(long[] state, long expiresAt) {
      this.state = state;
      this.expiresAt = expiresAt;
    }
  }

  LocalStore(int maximumSize, Clock clock) {
    this.maximumSize = maximumSize;
    this.clock = clock;
    this.evicted = new EvictionSummary(EvictionSummary.slotsFor(maximumSize));
  }

  @Override
  public void apply(String key, Step step, StepResult result) {
    if (entries.size() >= maximumSize && !entries.containsKey(key)) {
      sweep();
    }
    entries.compute(
        key,
        (k, entry) -> {
          long now = clock.epochNanos();
          boolean live = entry != null && now - entry.expiresAt < 0;
          if (!live && step.release()) {
            States.nothingGivenBack(step, now, result); // the state that took the units is gone
            return null;
          }
          long[] state = step.prepare(live ? entry.state : evicted.stateFor(k, step, now));
          step.applyTo(state, now, result);
          long expiresAt = now + step.expiryNanos();
          if (live && entry.state == state) {
            entry.expiresAt = Math.max(entry.expiresAt, expiresAt);
            return entry;
          }
          return new Entry(state, expiresAt);
        });
  }

  /** Drops every key, when the store that uses it closes. */
  void clear() {
    entries.clear();
  }

  int size() {
    return entries.size();
  }

  private void sweep() {
    if (!sweeping.tryLock()) {
      return; // another thread is making room
    }
    try {
      long now = clock.epochNanos();
      entries.values().removeIf(entry -> now - entry.expiresAt >= 0);
      int target = maximumSize - Math.max(1, maximumSize / 10);
      Iterator<String> keys = entries.keySet().iterator();
      while (entries.size() > target && keys.hasNext()) {
        // what a dropped key still counts goes to the summary, atomically with its removal
        entries.computeIfPresent(
            keys.next(),
            (key, entry) -> {
              evicted.add(key, entry.state, now);
              return null;
            });
      }
    } finally {
      sweeping.unlock();
    }
  }
}
