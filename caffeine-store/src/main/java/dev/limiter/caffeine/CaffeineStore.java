package dev.limiter.caffeine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.limiter.Clock;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import java.util.Locale;
import java.util.Objects;

/**
 * A {@link RateLimitStore} for one node, on a bounded Caffeine cache.
 *
 * <pre>{@code
 * RateLimitStore store = CaffeineStore.builder().maximumSize(1_000_000).build();
 * RateLimiter limiter = RateLimiter.builder().store(store).build();
 * }</pre>
 *
 * <p>Each key's state is updated atomically under that key alone (no global lock), and expires once
 * it has been idle long enough to hold no units. When the cache is full, the least valuable keys are
 * evicted first (Caffeine's W-TinyLFU); an evicted key starts afresh, so size the cache above the
 * number of keys active in one window.
 *
 * <p>Found through {@link java.util.ServiceLoader} as the store named {@code caffeine}; its
 * configuration key is {@code ratelimit.caffeine.maximum-size}.
 */
public final class CaffeineStore implements RateLimitStore {

  /** The default bound on the number of keys: 1,000,000. */
  public static final long DEFAULT_MAXIMUM_SIZE = 1_000_000L;

  private final Cache<String, Entry> cache;
  private final Clock clock;

  /** A key's state and how long it may stay idle, read by the expiry policy. */
  static final class Entry {
    final long[] state;
    final long expiryNanos;

    Entry(long[] state, long expiryNanos) {
      this.state = state;
      this.expiryNanos = expiryNanos;
    }
  }

  private CaffeineStore(Builder builder) {
    this.clock = builder.clock;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(builder.maximumSize)
            .expireAfter(new IdleExpiry())
            .ticker(clock == Clock.system() ? Ticker.systemTicker() : clock::epochNanos)
            .executor(Runnable::run)
            .build();
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
  public StepResult apply(String key, Step step) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(step, "step");
    StepResult[] result = new StepResult[1];
    cache.asMap().compute(key, (k, current) -> {
      long[] state = step.prepare(current == null ? null : current.state);
      result[0] = step.applyTo(state, clock.epochNanos());
      long expiry = step.expiryNanos();
      return current != null && current.state == state && current.expiryNanos == expiry
          ? current
          : new Entry(state, expiry);
    });
    return result[0];
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

  /** Lets a key go once it has been idle for its step's expiry. */
  private static final class IdleExpiry implements Expiry<String, Entry> {
    @Override
    public long expireAfterCreate(String key, Entry value, long currentTime) {
      return value.expiryNanos;
    }

    @Override
    public long expireAfterUpdate(String key, Entry value, long currentTime, long currentDuration) {
      return value.expiryNanos;
    }

    @Override
    public long expireAfterRead(String key, Entry value, long currentTime, long currentDuration) {
      return currentDuration;
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
     * expiry follows this clock too, unless it is the system clock, when Caffeine's own ticker is
     * used.
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
