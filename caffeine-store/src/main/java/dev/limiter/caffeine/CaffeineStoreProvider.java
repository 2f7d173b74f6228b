package dev.limiter.caffeine;

import dev.limiter.RateLimitConfig;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.StoreProvider;

/**
 * Makes the Caffeine store available through {@link java.util.ServiceLoader} as {@code caffeine}.
 * Reads {@code ratelimit.caffeine.maximum-size} (default {@value
 * CaffeineStore#DEFAULT_MAXIMUM_SIZE}).
 */
public final class CaffeineStoreProvider implements StoreProvider {

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public CaffeineStoreProvider() {}

  @Override
  public String name() {
    return "caffeine";
  }

  @Override
  public RateLimitStore create(RateLimitConfig config) {
    return CaffeineStore.builder()
        .maximumSize(config.getLong("ratelimit.caffeine.maximum-size", CaffeineStore.DEFAULT_MAXIMUM_SIZE))
        .build();
  }
}
