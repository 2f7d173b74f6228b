/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.algorithm;

import dev.limiter.spi.Step;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * What the states a bounded store had to drop still count, kept in a fixed number of shared slots,
 * so that a key whose state was dropped starts again from at least its own units rather than from a
 * fresh quota.
 *
 * <p>A store that holds a bounded number of keys, or lets keys expire on a clock of its own, may
 * have to drop a state that still holds units: to make room for a flood of new keys, or because an
 * expiry was set before a stall. Dropping it would give the key a fresh quota. Instead the store
 * {@link #add}s the state here as it drops it, and when it creates a key's state it starts from
 * {@link #stateFor} when that returns one:
 *
 * <pre>{@code
 * // when the store drops a state, atomically with the removal
 * summary.add(key, state, now);
 * // when it creates a key's state, atomically with the creation
 * long[] start = summary.stateFor(key, step, now);
 * long[] state = step.prepare(start);   // a fresh state when start is null
 * }</pre>
 *
 * <p>Each slot holds one state per algorithm and window; the keys whose hash falls in a slot share
 * it, and a state added to it is merged with what it holds, sub-window by sub-window, taking the
 * larger count, so the slot counts at least the units of each key added to it that still count. A
 * key that starts from a slot therefore starts with at least its own units, maybe more (those of
 * the busiest key that shares its slot): stricter, never looser. The slots a store uses grow with
 * the number of algorithm-and-window pairs its steps use, which the application's policies fix,
 * never its clients. Keys are hashed with a seed drawn per summary, so a client cannot aim its keys
 * at another key's slot.
 *
 * <p>Thread-safe. A state passed to {@link #add} is copied or merged, never kept.
 */
public final class EvictionSummary {

  /** The default number of slots per algorithm and window: 4,096. */
  public static final int DEFAULT_SLOTS = 4_096;

  private final int mask;
  private final long seed = ThreadLocalRandom.current().nextLong() | 1;
  private final Map<Long, AtomicReferenceArray<long[]>> tables = new ConcurrentHashMap<>();
  private volatile boolean empty = true;

  /**
   * Creates a summary.
   *
   * @param slots slots per algorithm and window, rounded up to a power of two, 1 to 2<sup>24</sup>
   * @throws IllegalArgumentException if {@code slots} is out of range
   */
  public EvictionSummary(int slots) {
    if (slots < 1 || slots > 1 << 24) {
      throw new IllegalArgumentException("slots must be between 1 and 16777216, was " + slots);
    }
    this.mask = (slots == 1 ? 1 : Integer.highestOneBit(slots - 1) << 1) - 1;
  }

  /**
   * Returns a number of slots for a store that holds up to {@code maximumSize} keys: one for every
   * sixteen keys, from 64 to 65,536.
   *
   * @param maximumSize the store's bound on keys
   * @return the number of slots
   */
  public static int slotsFor(long maximumSize) {
    return (int) Math.max(64, Math.min(65_536, maximumSize / 16));
  }

  /**
   * Records a state that its store drops while it may still hold units; a state that holds none at
   * {@code nowNanos} is ignored. Call it atomically with the removal, so that no state for the key
   * is created in between.
   *
   * @param key the store key
   * @param state the dropped state, as {@link Step#applyTo} left it; not kept
   * @param nowNanos the store's time
   * @return whether the state held units, and so was added
   */
  public boolean add(String key, long[] state, long nowNanos) {
    if (!States.holdsUnits(state, nowNanos)) {
      return false;
    }
    AtomicReferenceArray<long[]> table =
        tables.computeIfAbsent(States.tagOf(state), tag -> new AtomicReferenceArray<>(mask + 1));
    int index = index(key);
    while (true) {
      long[] slot = table.get(index);
      if (slot == null) {
        if (table.compareAndSet(index, null, state.clone())) {
          break;
        }
        continue;
      }
      synchronized (slot) {
        if (table.get(index) != slot) {
          continue; // widened by another add: merge into the array that replaced it
        }
        long[] merged = States.absorb(slot, state, nowNanos);
        if (merged != slot) {
          table.set(index, merged);
        }
        break;
      }
    }
    empty = false;
    return true;
  }

  /**
   * Returns the state that a new state for {@code key} must start from: a copy of its slot for the
   * step's algorithm and window, with a generation of its own, when the slot still holds units;
   * else null, and the key starts afresh.
   *
   * @param key the store key
   * @param step the step about to be applied to the new state
   * @param nowNanos the store's time
   * @return the state to start from, or null
   */
  public long @Nullable [] stateFor(String key, Step step, long nowNanos) {
    if (empty) {
      return null;
    }
    AtomicReferenceArray<long[]> table = tables.get(States.tag(step));
    long[] slot = table == null ? null : table.get(index(key));
    if (slot == null) {
      return null;
    }
    long[] copy;
    synchronized (slot) {
      if (!States.holdsUnits(slot, nowNanos)) {
        return null;
      }
      copy = slot.clone();
    }
    States.renew(step.algorithm(), copy);
    return copy;
  }

  /**
   * Returns whether nothing was ever added.
   *
   * @return true until a state that held units was added
   */
  public boolean isEmpty() {
    return empty;
  }

  /** A seeded hash of the key's characters, so that slots cannot be aimed at from outside. */
  private int index(String key) {
    long h = seed;
    for (int i = 0; i < key.length(); i++) {
      h = (h ^ key.charAt(i)) * 0x9E37_79B9_7F4A_7C15L;
      h ^= h >>> 29;
    }
    h ^= h >>> 32;
    return (int) h & mask;
  }
}
