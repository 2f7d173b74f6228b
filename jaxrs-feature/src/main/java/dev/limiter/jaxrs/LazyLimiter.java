/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import dev.limiter.LimitResolver;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimiter;
import dev.limiter.spi.RateLimitStore;
import org.jspecify.annotations.Nullable;

/**
 * The limiter of one {@link RateLimitFeature}: the one the user gave, or one built from the
 * feature's parts the first time a resource method needs it, so that a feature the runtime creates
 * and drops (RESTEasy creates a class-registered feature three times) opens no store.
 *
 * <p>{@link #close} closes a limiter built here, which closes the store it found on the class path
 * and leaves a store the user gave open; a limiter the user gave is never closed.
 */
final class LazyLimiter implements AutoCloseable {

  private final @Nullable RateLimiter given;
  private final @Nullable RateLimitStore store;
  private final RateLimitConfig config;
  private final @Nullable LimitResolver limitResolver;
  private @Nullable RateLimiter built;
  private boolean closed;

  private LazyLimiter(
      @Nullable RateLimiter given,
      @Nullable RateLimitStore store,
      RateLimitConfig config,
      @Nullable LimitResolver limitResolver) {
    this.given = given;
    this.store = store;
    this.config = config;
    this.limitResolver = limitResolver;
  }

  /** The limiter the user gave; never closed here. */
  static LazyLimiter given(RateLimiter limiter) {
    return new LazyLimiter(limiter, null, limiter.config(), null);
  }

  /** A limiter to build from these parts when first needed; a null store is found on demand. */
  static LazyLimiter toBuild(
      @Nullable RateLimitStore store,
      RateLimitConfig config,
      @Nullable LimitResolver limitResolver) {
    return new LazyLimiter(null, store, config, limitResolver);
  }

  /**
   * Whether this limiter is built with the defaults only (the store found on the class path, the
   * configuration loaded, no resolver): every feature created so in one application can share it.
   */
  boolean defaults() {
    return given == null && store == null && limitResolver == null;
  }

  RateLimitConfig config() {
    return config;
  }

  /**
   * Returns the limiter, building it the first time.
   *
   * @throws IllegalStateException naming the feature and what to do, if it cannot be built or the
   *     application was undeployed
   */
  synchronized RateLimiter get() {
    if (given != null) {
      return given;
    }
    if (closed) {
      throw new IllegalStateException(
          "RateLimitFeature's rate limiter was closed when its application was undeployed; deploy"
              + " the application again to get a new one");
    }
    RateLimiter limiter = built;
    if (limiter == null) {
      RateLimiter.Builder engine = RateLimiter.builder().config(config);
      if (store != null) {
        engine.store(store);
      }
      if (limitResolver != null) {
        engine.limitResolver(limitResolver);
      }
      try {
        limiter = engine.build();
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "RateLimitFeature cannot build its rate limiter, so the application cannot start: "
                + e.getMessage(),
            e);
      }
      built = limiter;
    }
    return limiter;
  }

  /** Whether a limiter was built here and is open, for tests. */
  synchronized boolean isOpen() {
    return built != null;
  }

  /** Closes the limiter built here, if any; a limiter the user gave stays open. */
  @Override
  public synchronized void close() {
    closed = given == null;
    RateLimiter limiter = built;
    built = null;
    if (limiter != null) {
      limiter.close();
    }
  }
}
