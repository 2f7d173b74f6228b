package dev.limiter.caffeine;

import dev.limiter.ManualClock;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.StoreCompatibilityKit;
import java.time.Duration;

/** Runs the {@link StoreCompatibilityKit} on {@link CaffeineStore}. */
class CaffeineStoreTest extends StoreCompatibilityKit {

  @Override
  protected RateLimitStore createStore(ManualClock clock) {
    return CaffeineStore.builder().clock(clock).build();
  }

  @Override
  protected long storedKeys(RateLimitStore store) {
    CaffeineStore caffeine = (CaffeineStore) store;
    caffeine.cleanUp();
    return caffeine.estimatedSize();
  }

  /** Caffeine's timer wheel removes expired keys on its ticks of 2^30 ns, so let one more pass. */
  @Override
  protected void advanceExpiry(RateLimitStore store, ManualClock clock, Duration idle) {
    clock.advance(idle.plusNanos(1L << 30));
  }
}
