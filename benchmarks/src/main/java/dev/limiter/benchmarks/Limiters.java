/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.benchmarks;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.limiter.Admission;
import dev.limiter.Algorithm;
import dev.limiter.EndpointLimits;
import dev.limiter.LimitStatus;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimitListener;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.caffeine.Bucket4jCaffeine;
import io.github.bucket4j.caffeine.CaffeineProxyManager;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The limiters the local benchmarks compare, configured alike: 2,000,000,000 units per hour (a
 * limit that no run reaches, so every decision is an admission), keys kept at least 66 minutes
 * after their last use (so that no key expires during a run), at most {@link #MAXIMUM_SIZE} keys.
 */
final class Limiters {

  static final long LIMIT = 2_000_000_000L;
  static final Duration WINDOW = Duration.ofHours(1);

  /** What our sliding window keeps an idle key for: its window plus one sub-window. */
  static final Duration KEEP_IDLE = Duration.ofMinutes(66);

  static final long MAXIMUM_SIZE = CaffeineStore.DEFAULT_MAXIMUM_SIZE;

  private Limiters() {}

  /** One way of deciding a request for a key; each benchmark fork uses one. */
  abstract static class Decider implements AutoCloseable {
    /**
     * Decides one request for {@code key} and returns what the limiter answers; a store fills
     * {@code holder}, the calling thread's own, as a caller of the store SPI does.
     */
    abstract Object decide(String key, StepResult holder);

    @Override
    public void close() {}
  }

  /**
   * Returns the decider named {@code name}: {@code caffeine-sliding}, {@code caffeine-fixed},
   * {@code caffeine-token} (our store, through {@link RateLimitStore#apply}), {@code
   * compute-sliding} (the store as it was before, one {@code compute} per decision), {@code
   * engine-sliding} (the {@link RateLimiter} engine on our store, one policy), {@code engine-admit}
   * (the same through {@code RateLimiter.admit}, what the HTTP adapters call since issue 13: it
   * also keeps what the request took, for refunds), {@code engine-in-flight} (a limit on requests
   * in flight: admit, then complete), {@code engine-listener} ({@code engine-sliding} with a {@link
   * RateLimitListener} that counts decisions by policy and outcome, as a metrics binder does), or
   * {@code bucket4j-caffeine} (Bucket4j's Caffeine proxy manager, one bucket per key).
   */
  static Decider create(String name) {
    return switch (name) {
      case "caffeine-sliding" -> store(Algorithm.SLIDING_WINDOW);
      case "caffeine-fixed" -> store(Algorithm.FIXED_WINDOW);
      case "caffeine-token" -> store(Algorithm.TOKEN_BUCKET);
      case "caffeine-sliding-value" -> valueStore(Algorithm.SLIDING_WINDOW);
      case "compute-sliding" -> store(new ComputeStore(MAXIMUM_SIZE), Algorithm.SLIDING_WINDOW);
      case "engine-sliding" -> engine(null);
      case "engine-listener" -> engine(new CountingListener());
      case "engine-admit" -> engineAdmit(false);
      case "engine-in-flight" -> engineAdmit(true);
      case "bucket4j-caffeine" -> bucket4jCaffeine();
      default -> throw new IllegalArgumentException("unknown limiter " + name);
    };
  }

  static Decider store(Algorithm algorithm) {
    return store(CaffeineStore.builder().maximumSize(MAXIMUM_SIZE).build(), algorithm);
  }

  static Decider store(RateLimitStore store, Algorithm algorithm) {
    Step step = Step.acquire(algorithm, WINDOW.toNanos(), LIMIT, 1);
    return new Decider() {
      @Override
      Object decide(String key, StepResult holder) {
        store.apply(key, step, holder);
        return holder;
      }

      @Override
      public void close() {
        store.close();
      }
    };
  }

  /**
   * The store through {@link RateLimitStore#apply(String, Step)}, which returns a new {@link
   * StepResult} per decision: what every decision would cost if the SPI returned a value instead of
   * filling the caller's holder.
   */
  static Decider valueStore(Algorithm algorithm) {
    RateLimitStore store = CaffeineStore.builder().maximumSize(MAXIMUM_SIZE).build();
    Step step = Step.acquire(algorithm, WINDOW.toNanos(), LIMIT, 1);
    return new Decider() {
      @Override
      Object decide(String key, StepResult holder) {
        return store.apply(key, step);
      }

      @Override
      public void close() {
        store.close();
      }
    };
  }

  static Decider engineAdmit(boolean inFlight) {
    RateLimitStore store = CaffeineStore.builder().maximumSize(MAXIMUM_SIZE).build();
    RateLimitConfig isolated =
        RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build();
    RateLimiter limiter = RateLimiter.builder().store(store).config(isolated).build();
    RateLimitPolicy policy =
        inFlight
            ? RateLimitPolicy.concurrency("bench", LIMIT, "apiKey")
            : new RateLimitPolicy("bench", WINDOW, LIMIT, "apiKey", 1, Algorithm.SLIDING_WINDOW);
    EndpointLimits limits = limiter.limits(List.of(policy));
    return new Decider() {
      @Override
      Object decide(String key, StepResult holder) {
        Admission admission = limiter.admit(limits, key);
        if (inFlight) {
          admission.complete(200);
        }
        return admission;
      }

      @Override
      public void close() {
        limiter.close();
        store.close();
      }
    };
  }

  /**
   * Counts decisions by policy and outcome, the way a metrics binder does: a map lookup by the
   * policy's name and an increment.
   */
  static final class CountingListener implements RateLimitListener {
    private final Map<String, LongAdder> admitted = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();

    @Override
    public void admitted(RateLimitPolicy policy, LimitStatus status, String key) {
      admitted.computeIfAbsent(policy.name(), name -> new LongAdder()).increment();
    }

    @Override
    public void rejected(RateLimitPolicy policy, LimitStatus status, String key) {
      rejected.computeIfAbsent(policy.name(), name -> new LongAdder()).increment();
    }
  }

  static Decider engine(@Nullable RateLimitListener listener) {
    RateLimitStore store = CaffeineStore.builder().maximumSize(MAXIMUM_SIZE).build();
    RateLimitConfig isolated =
        RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build();
    RateLimiter.Builder builder = RateLimiter.builder().store(store).config(isolated);
    if (listener != null) {
      builder.listener(listener);
    }
    RateLimiter limiter = builder.build();
    EndpointLimits limits =
        limiter.limits(
            List.of(
                new RateLimitPolicy(
                    "bench", WINDOW, LIMIT, "apiKey", 1, Algorithm.SLIDING_WINDOW)));
    return new Decider() {
      @Override
      Object decide(String key, StepResult holder) {
        return limiter.acquire(limits, key);
      }

      @Override
      public void close() {
        limiter.close();
        store.close();
      }
    };
  }

  static BucketConfiguration bucket4jConfiguration() {
    return BucketConfiguration.builder()
        .addLimit(Bandwidth.builder().capacity(LIMIT).refillGreedy(LIMIT, WINDOW).build())
        .build();
  }

  static CaffeineProxyManager<String> bucket4jProxyManager() {
    return Bucket4jCaffeine.<String>builderFor(Caffeine.newBuilder().maximumSize(MAXIMUM_SIZE))
        .expirationAfterWrite(ExpirationAfterWriteStrategy.fixedTimeToLive(KEEP_IDLE))
        .build();
  }

  static Decider bucket4jCaffeine() {
    CaffeineProxyManager<String> proxyManager = bucket4jProxyManager();
    BucketConfiguration configuration = bucket4jConfiguration();
    Supplier<BucketConfiguration> supplier = () -> configuration;
    return new Decider() {
      @Override
      Object decide(String key, StepResult holder) {
        // what a limiter that sends X-RateLimit-Remaining and Retry-After needs, like StepResult
        return proxyManager.builder().build(key, supplier).tryConsumeAndReturnRemaining(1);
      }
    };
  }
}
