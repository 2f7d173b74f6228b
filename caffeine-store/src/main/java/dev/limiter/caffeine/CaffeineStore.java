package dev.limiter.caffeine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.limiter.Clock;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import java.util.Locale;
import java.util.Objects;
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
 * per quarter of that time (at least 1.1 s), so an idle key may stay up to that much longer. When
 * the cache is full, the least valuable keys are evicted first (Caffeine's W-TinyLFU, which counts
 * those refreshes rather than every decision); an evicted key starts afresh, so size the cache
 * above the number of keys active in one window.
 *
 * <p>Found through {@link java.util.ServiceLoader} as the store named {@code caffeine}; its
 * configuration key is {@code ratelimit.caffeine.maximum-size}.
 */
public final class CaffeineStore implements RateLimitStore {

  /** The default bound on the number of keys: 1,000,000. */
  public static final long DEFAULT_MAXIMUM_SIZE = 1_000_000L;

  /**
   * The time allowed from checking a key's expiry to applying its step under the key's lock, which
   * only reads the clock in between.
   */
  static final long STEP_MARGIN_NANOS = 100_000_000L;

  /** Caffeine skips a read's change of an expiry by one second or less (its EXPIRE_TOLERANCE). */
  static final long CAFFEINE_READ_TOLERANCE_NANOS = 1_000_000_000L;

  /** Written into the tag of a state that left the cache, so that a step racing with that retries. */
  private static final long REMOVED = 0;

  private final Cache<String, long[]> cache;
  private final Policy<String, long[]> policy;
  private final Clock clock;

  /*
   * Each key's value is its state array itself, and that array's monitor is the key's lock.
   *
   * The fast path is one lookup that Caffeine does not record (getEntryIfPresentQuietly, which also
   * reads the clock once and gives the key's expiry), a check that this expiry leaves at least what
   * the step needs (its units are back by then) plus STEP_MARGIN_NANOS, and the step under the
   * state's lock: no compute, no write to the cache. Caffeine's bookkeeping of a recorded read (LRU order, frequency sketch,
   * timer wheel) costs several times the lookup with a million keys, so a key pays for it only when
   * its expiry needs refreshing: a recorded read sets the expiry to what the state needs plus
   * refreshSlackNanos, so a key in use is refreshed once per slack, not on every decision. A new
   * key, a changed window or algorithm, or a step that needs a longer expiry than the state gives
   * takes the slow path, a compute on the cache's map.
   *
   * Invariant: a state array that is no longer the cache's value for its key has the tag REMOVED,
   * written under its lock by whatever took it out (the eviction listener, or the slow path when it
   * replaces the array). A step that finds REMOVED under the lock took a state that is gone, and
   * retries, so no update is ever applied to an array the cache no longer holds.
   */

  private CaffeineStore(Builder builder) {
    this.clock = builder.clock;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(builder.maximumSize)
            .expireAfter(new IdleExpiry())
            .evictionListener(CaffeineStore::markRemoved)
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
    Policy.CacheEntry<String, long[]> entry = policy.getEntryIfPresentQuietly(key);
    if (entry != null) {
      long[] state = entry.getValue();
      long now = entry.snapshotAt(); // the store's clock: it is the cache's ticker
      // the key is kept at least until this step's units are back; only the step runs locked
      if (entry.expiresAt() - now >= step.expiryNanos() + STEP_MARGIN_NANOS) {
        synchronized (state) {
          if (step.prepare(state) == state) { // not REMOVED, same algorithm and window
            step.applyTo(state, now, result);
            return;
          }
        }
      }
      state = cache.getIfPresent(key); // a recorded read: refreshes the expiry, see IdleExpiry
      if (state != null) {
        synchronized (state) {
          if (step.prepare(state) == state && Step.expiryNanosOf(state) >= step.expiryNanos()) {
            step.applyTo(state, clock.epochNanos(), result);
            return;
          }
        }
      }
    }
    cache.asMap().compute(key, new Update(step, clock, result));
  }

  /**
   * How much longer than its state needs a recorded read keeps a key: more than Caffeine's read
   * tolerance, so that the refresh is never skipped, and a quarter of the state's expiry, so that a
   * key in use is refreshed at most once per quarter of its expiry. Idle keys go that much later.
   */
  static long refreshSlackNanos(long expiry) {
    return Math.max(CAFFEINE_READ_TOLERANCE_NANOS + STEP_MARGIN_NANOS, expiry / 4);
  }

  /**
   * Returns the number of keys held, including some that expired but are not cleaned up yet.
   *
   * @return the approximate number of keys
   */
  public long estimatedSize() {
    return cache.estimatedSize();
  }

  /** Runs pending maintenance: removes expired keys now rather than on later writes. */
  public void cleanUp() {
    cache.cleanUp();
  }

  @Override
  public void close() {
    cache.invalidateAll();
    cache.cleanUp();
  }

  private static void markRemoved(@Nullable String key, long @Nullable [] state, RemovalCause cause) {
    if (state != null) {
      synchronized (state) {
        state[0] = REMOVED;
      }
    }
  }

  /** The slow path: applies a step inside the cache's compute for the key. */
  private static final class Update implements BiFunction<String, long[], long[]> {
    private final Step step;
    private final Clock clock;
    private final StepResult result;

    Update(Step step, Clock clock, StepResult result) {
      this.step = step;
      this.clock = clock;
      this.result = result;
    }

    @Override
    public long[] apply(String key, long @Nullable [] current) {
      if (current == null) {
        long[] fresh = step.prepare(null);
        step.applyTo(fresh, clock.epochNanos(), result);
        return fresh;
      }
      synchronized (current) {
        long[] state = step.prepare(current);
        if (state != current) {
          current[0] = REMOVED;
        }
        step.applyTo(state, clock.epochNanos(), result);
        return state;
      }
    }
  }

  /**
   * Lets a key go once it has been idle long enough to hold no units. Creating or updating a key
   * sets its expiry after the step to what the state needs. A recorded read sets it before the
   * step, so it adds {@link #STEP_MARGIN_NANOS} for the step still to come and {@link
   * #refreshSlackNanos} so that the next decisions need no refresh.
   */
  private static final class IdleExpiry implements Expiry<String, long[]> {
    @Override
    public long expireAfterCreate(String key, long[] state, long currentTime) {
      return Step.expiryNanosOf(state);
    }

    @Override
    public long expireAfterUpdate(String key, long[] state, long currentTime, long currentDuration) {
      return Step.expiryNanosOf(state);
    }

    @Override
    public long expireAfterRead(String key, long[] state, long currentTime, long currentDuration) {
      long expiry;
      try {
        expiry = Step.expiryNanosOf(state); // without the lock: a step never changes the tag
      } catch (IllegalArgumentException removed) {
        return currentDuration; // the slow path replaced this state at the same moment
      }
      return expiry + STEP_MARGIN_NANOS + refreshSlackNanos(expiry);
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
