/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.caffeine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.limiter.Clock;
import dev.limiter.algorithm.EvictionSummary;
import dev.limiter.algorithm.States;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RateLimitStore} for one node, on a bounded Caffeine cache.
 *
 * <pre>{@code
 * RateLimitStore store = CaffeineStore.builder().maximumSize(1_000_000).build();
 * RateLimiter limiter = RateLimiter.builder().store(store).build();
 * }</pre>
 *
 * <p>Each key's state is updated atomically under that key alone (no global lock), and expires once
 * it has been idle long enough to hold no units. A key in use has its expiry refreshed at most once
 * per refresh period (a power of two of nanoseconds from a quarter of that time, at least 2 s, up),
 * so an idle key may stay up to that period plus 1.1 s longer. When the cache is full, Caffeine
 * evicts the keys it values least (W-TinyLFU, which counts those refreshes rather than every
 * decision). A key evicted while it still holds units, or expired early because its thread stalled
 * past every margin, is never forgotten: its state goes into an {@link EvictionSummary} of fixed
 * size as it leaves, and the key's next state starts from what the summary counts for it, which is
 * at least its own units (and maybe those of a busier key that shares its slot). So a flood of new
 * keys at any rate cannot reset a key that is in use; it can only make keys that were evicted
 * stricter until their units are back. Size the cache above the number of keys active in one window
 * all the same, so that evictions stay rare.
 *
 * <p>Found through {@link java.util.ServiceLoader} as the store named {@code caffeine}; its
 * configuration key is {@code ratelimit.caffeine.maximum-size}.
 */
public final class CaffeineStore implements RateLimitStore {

  /** The default bound on the number of keys: 1,000,000. */
  public static final long DEFAULT_MAXIMUM_SIZE = 1_000_000L;

  /**
   * The time allowed from Caffeine's clock reading when it sets a key's expiry to the store's
   * reading for the step under the key's lock, which only reads the clock in between.
   */
  static final long STEP_MARGIN_NANOS = 100_000_000L;

  /** Caffeine skips a read's change of an expiry by one second or less (its EXPIRE_TOLERANCE). */
  static final long CAFFEINE_READ_TOLERANCE_NANOS = 1_000_000_000L;

  /** The shortest refresh period: a key in use pays for a recorded read at most this often. */
  static final long MIN_REFRESH_PERIOD_NANOS = 2_000_000_000L;

  /**
   * Written into the tag of a state that left the cache, so that a step racing with that retries.
   */
  private static final long REMOVED = 0;

  /**
   * How many recently marked keys the store remembers, so that a hot key skips the cache lookup.
   */
  static final int RECENT_SLOTS = 1024;

  private final Cache<String, long[]> cache;
  private final Recent[] recents = new Recent[RECENT_SLOTS];
  private final Policy<String, long[]> policy;
  private final Clock clock;
  private final EvictionSummary evicted;
  private final LongAdder evictedHoldingUnits = new LongAdder();

  /*
   * Each key's value is its state array itself, and that array's monitor is the key's lock.
   *
   * Caffeine's bookkeeping of a recorded read (LRU order, frequency sketch, timer wheel) costs
   * several times the lookup with a million keys, so a key pays for it only when its expiry needs
   * refreshing, at most once per refresh period P: a power of two of nanoseconds from max(2 s, E/4)
   * up, where E = Step.expiryNanosOf(state) is how long the state must be kept. Each time Caffeine
   * sets a key's expiry (a create or an update in compute, or a recorded read) it sets E + extra,
   * extra = STEP_MARGIN (M) + P + CAFFEINE_READ_TOLERANCE (TOL), from its own clock reading; the
   * store read the clock at t0 before that reading ("marks" the key at t0). Caffeine may skip a
   * read's change of up to TOL, so the expiry is at least t0 + E + M + P either way. A later step
   * at `now` needs at most E (States.updatesInPlace: the step neither replaces the state nor needs a
   * longer expiry), so the expiry covers it when now - t0 < P. Two fast paths use that:
   *
   *   - Recent keys: a small table, one slot per key hash, of (key, state, t0, P) written at each
   *     mark. A step that finds its key there with now - t0 < P runs under the state's lock alone:
   *     one clock read, no cache call.
   *   - Any cached key: one lookup that Caffeine does not record and that allocates nothing
   *     (getIfPresentQuietly). The state's store bits hold the number, modulo 8, of the period in
   *     which t0 lies (periods are offset by a fraction of P from the key's hash, so that keys do
   *     not all refresh at once). A step whose `now` lies in a period with the same number runs.
   *     Same number means same period: the key is still cached, so now < t0 + delta + E + extra
   *     (delta: from t0 to Caffeine's reading), while a period 8 or more later would start over 7P
   *     after t0, and 6P >= max(12 s, 1.5 E) exceeds E + M + TOL + delta for delta under 2.9 s. A
   *     wall clock stepped back to an earlier period with the same number is still covered, as now
   *     < t0.
   *
   * Otherwise the store reads the clock (t0), makes a recorded read (Caffeine sets the expiry) and
   * marks the key; a new key, a changed window or algorithm, or a token bucket whose new limit
   * changes its refill interval (and so E) take a compute on the cache's map, which marks inside.
   *
   * Invariants: a state array's E never changes while it is the cache's value (a compute that would
   * change it puts a copy in its place), so a mark stays true for the array it was made for. A
   * state array that is no longer the cache's value for its key has the tag REMOVED, written under
   * its lock by whatever took it out (the eviction listener, or a compute that replaces it). A step
   * that finds REMOVED under the lock took a state that is gone and goes on to the next path, so
   * no update is ever applied to an array the cache no longer holds.
   *
   * The margins above keep keys in use in the cache; they are not what keeps the limit. Caffeine
   * calls the eviction listener for every key it evicts or expires, inside the atomic removal (for
   * an expired key found by a compute, before the compute's function runs), and the listener, under
   * the state's lock, adds a state that still holds units to the eviction summary before it marks it
   * REMOVED. A state is created only in a compute that finds no value, which starts it from the
   * summary. So every unit a step took is counted, until it is back, by the key's state in the
   * cache or by the key's slot in the summary, whatever stalls, clock steps or evictions come in
   * between: those can make a key stricter, never looser.
   */

  private CaffeineStore(Builder builder) {
    this.clock = builder.clock;
    this.evicted = new EvictionSummary(EvictionSummary.slotsFor(builder.maximumSize));
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(builder.maximumSize)
            .expireAfter(new KeyExpiry())
            .evictionListener(this::removed)
            .ticker(clock::epochNanos)
            .executor(Runnable::run)
            .build();
    this.policy = cache.policy();
  }

  /**
   * Returns a builder.
   *
   * @return a builder with a maximum of {@value #DEFAULT_MAXIMUM_SIZE} keys and the system clock
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a store with the defaults that {@link #builder()} describes.
   *
   * @return a store
   */
  public static CaffeineStore ofDefaults() {
    return builder().build();
  }

  @Override
  public void apply(String key, Step step, StepResult result) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(result, "result");
    int hash = key.hashCode();
    int slot = (hash ^ (hash >>> 16)) & (RECENT_SLOTS - 1);
    Recent recent = recents[slot];
    if (recent != null && recent.key.equals(key)) {
      long[] state = recent.state;
      synchronized (state) {
        long now = clock.epochNanos();
        if (States.updatesInPlace(step, state) && now - recent.markedAt < recent.periodNanos) {
          step.applyTo(state, now, result);
          return;
        }
      }
    }
    long[] state = policy.getIfPresentQuietly(key);
    if (state != null) {
      synchronized (state) {
        long now = clock.epochNanos();
        if (States.updatesInPlace(step, state)
            && States.storeBits(state)
                == period(now, refreshPeriodNanos(Step.expiryNanosOf(state)), hash)) {
          step.applyTo(state, now, result);
          return;
        }
      }
      long before = clock.epochNanos();
      state = cache.getIfPresent(key); // a recorded read: refreshes the expiry, see KeyExpiry
      if (state != null) {
        synchronized (state) {
          if (States.updatesInPlace(step, state)) {
            long periodNanos = refreshPeriodNanos(Step.expiryNanosOf(state));
            States.setStoreBits(state, period(before, periodNanos, hash));
            step.applyTo(state, clock.epochNanos(), result);
            recents[slot] = new Recent(key, state, before, periodNanos);
            return;
          }
        }
      }
    }
    Update update = new Update(step, clock, evicted, result);
    state = cache.asMap().compute(key, update);
    if (state != null) {
      recents[slot] = new Recent(key, state, update.markedAt, update.periodNanos);
    }
  }

  /**
   * Returns the refresh period for a state that must be kept {@code expiry} nanoseconds: the power
   * of two at or above max(2 s, expiry / 4).
   */
  static long refreshPeriodNanos(long expiry) {
    long least = Math.max(MIN_REFRESH_PERIOD_NANOS, expiry / 4);
    return Long.highestOneBit(least - 1) << 1;
  }

  /** Returns how much longer than it needs Caffeine keeps a key each time it sets its expiry. */
  static long extraNanos(long expiry) {
    return STEP_MARGIN_NANOS + refreshPeriodNanos(expiry) + CAFFEINE_READ_TOLERANCE_NANOS;
  }

  /**
   * Returns the number, modulo 8, of the refresh period in which {@code t} lies. Each key's periods
   * are offset by its hash, a fraction of a period, so that keys do not all refresh at once.
   */
  static int period(long t, long periodNanos, int keyHash) {
    int shift = Long.numberOfTrailingZeros(periodNanos); // at least 31: periods are 2 s or more
    long offset = (keyHash & 0x7FFF_FFFFL) << (shift - 31);
    return (int) (((t + offset) >> shift) & 7);
  }

  /**
   * Returns the number of keys held, including some that expired but are not cleaned up yet.
   *
   * @return the approximate number of keys
   */
  public long estimatedSize() {
    return cache.estimatedSize();
  }

  /** Returns how many keys left the cache while they still held units; for tests. */
  long evictedHoldingUnits() {
    return evictedHoldingUnits.sum();
  }

  /** Returns whether the cache holds a state for {@code key}, without touching it; for tests. */
  boolean holds(String key) {
    return policy.getIfPresentQuietly(key) != null;
  }

  /** Runs pending maintenance: removes expired keys now rather than on later writes. */
  public void cleanUp() {
    cache.cleanUp();
  }

  @Override
  public void close() {
    Arrays.fill(recents, null);
    cache.invalidateAll();
    cache.cleanUp();
  }

  /**
   * Called by Caffeine as it evicts or expires a key, atomically with the removal: a state that
   * still holds units (evicted for room, or expired early after a stall) goes into the eviction
   * summary, from which the key's next state starts; then the state is marked removed.
   */
  private void removed(@Nullable String key, long @Nullable [] state, RemovalCause cause) {
    if (state != null) {
      synchronized (state) {
        if (key != null && evicted.add(key, state, clock.epochNanos())) {
          evictedHoldingUnits.increment();
        }
        state[0] = REMOVED;
      }
    }
  }

  /** The slow path: applies a step inside the cache's compute for the key. */
  private static final class Update implements BiFunction<String, long[], long @Nullable []> {
    private final Step step;
    private final Clock clock;
    private final EvictionSummary evicted;
    private final StepResult result;
    long markedAt;
    long periodNanos;

    Update(Step step, Clock clock, EvictionSummary evicted, StepResult result) {
      this.step = step;
      this.clock = clock;
      this.evicted = evicted;
      this.result = result;
    }

    @Override
    public long @Nullable [] apply(String key, long @Nullable [] current) {
      if (current == null) {
        // a key evicted while it held units starts from what the summary still counts for it
        long[] fresh = step.prepare(evicted.stateFor(key, step, clock.epochNanos()));
        step(key, fresh);
        return step.release() ? null : fresh; // a release finds nothing to give back: no entry
      }
      synchronized (current) {
        long[] state = step.prepare(current);
        if (state == current && !States.updatesInPlace(step, current)) {
          state = current.clone(); // a token bucket's new interval: the new expiry gets a new array
        }
        if (state != current) {
          current[0] = REMOVED;
        }
        step(key, state);
        return state;
      }
    }

    /** Applies the step and marks the period: Caffeine sets the expiry after this returns. */
    private void step(String key, long[] state) {
      long now = clock.epochNanos();
      step.applyTo(state, now, result);
      periodNanos = refreshPeriodNanos(Step.expiryNanosOf(state));
      States.setStoreBits(state, period(now, periodNanos, key.hashCode()));
      markedAt = now;
    }
  }

  /**
   * A key whose expiry was set at or after {@code markedAt}, to at least what its state needs plus
   * {@link #extraNanos}: until {@code markedAt + periodNanos}, a step that updates the state in
   * place may skip the cache (the state's expiry never changes while it is the cache's value).
   */
  private static final class Recent {
    final String key;
    final long[] state;
    final long markedAt;
    final long periodNanos;

    Recent(String key, long[] state, long markedAt, long periodNanos) {
      this.key = key;
      this.state = state;
      this.markedAt = markedAt;
      this.periodNanos = periodNanos;
    }
  }

  /**
   * Lets a key go once it has been idle long enough to hold no units, plus {@link #extraNanos}:
   * every create, update and recorded read sets the expiry from the state alone, so that the store
   * can tell from the state's store bits whether the expiry still covers a step (see the comment at
   * the top of this class).
   */
  private static final class KeyExpiry implements Expiry<String, long[]> {
    @Override
    public long expireAfterCreate(String key, long[] state, long currentTime) {
      return keep(state);
    }

    @Override
    public long expireAfterUpdate(
        String key, long[] state, long currentTime, long currentDuration) {
      return keep(state);
    }

    @Override
    public long expireAfterRead(String key, long[] state, long currentTime, long currentDuration) {
      try {
        return keep(state); // without the lock: a step never changes what the state needs
      } catch (IllegalArgumentException removed) {
        return currentDuration; // the slow path replaced this state at the same moment
      }
    }

    private static long keep(long[] state) {
      long expiry = Step.expiryNanosOf(state);
      return expiry + extraNanos(expiry);
    }
  }

  /** Builds a {@link CaffeineStore}. */
  public static final class Builder {
    private long maximumSize = DEFAULT_MAXIMUM_SIZE;
    private Clock clock = Clock.system();

    private Builder() {}

    /**
     * Bounds the number of keys held.
     *
     * @param maximumSize the bound, at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code maximumSize} is below 1
     */
    public Builder maximumSize(long maximumSize) {
      if (maximumSize < 1) {
        throw new IllegalArgumentException(
            String.format(Locale.ROOT, "maximumSize must be at least 1, was %d", maximumSize));
      }
      this.maximumSize = maximumSize;
      return this;
    }

    /**
     * Sets the clock that decisions read; tests pass a {@link dev.limiter.ManualClock}. Idle-key
     * expiry runs on this clock too, so that a key expires when its state is idle in the
     * algorithm's own time: when the wall clock steps forward, keys that the algorithms now see as
     * idle go; when it steps back, keys stay longer.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the store.
     *
     * @return the store
     */
    public CaffeineStore build() {
      return new CaffeineStore(this);
    }
  }
}
