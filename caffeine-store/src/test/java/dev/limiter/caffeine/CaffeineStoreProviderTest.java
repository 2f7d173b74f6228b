/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.caffeine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.limiter.Algorithm;
import dev.limiter.EndpointLimits;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StoreProvider;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Discovery of the Caffeine store through {@link ServiceLoader} and its configuration. */
class CaffeineStoreProviderTest {

  private static final String MAXIMUM_SIZE = "ratelimit.caffeine.maximum-size";

  /** Configuration that ignores the process's environment and system properties. */
  private static RateLimitConfig.Builder isolated() {
    return RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of());
  }

  private static StoreProvider caffeineProvider() {
    return ServiceLoader.load(StoreProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(provider -> provider.name().equals("caffeine"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theServiceLoaderFindsTheCaffeineStore() {
    List<StoreProvider> providers =
        ServiceLoader.load(StoreProvider.class).stream().map(ServiceLoader.Provider::get).toList();
    assertThat(providers).extracting(StoreProvider::name).containsExactly("caffeine");
    assertThat(providers.get(0)).isInstanceOf(CaffeineStoreProvider.class);
    try (RateLimitStore store = providers.get(0).create(isolated().build())) {
      assertThat(store).isInstanceOf(CaffeineStore.class);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "caffeine", "Caffeine"})
  void aLimiterWithoutAStoreDecidesOnTheCaffeineStoreFound(String named) {
    RateLimitConfig.Builder config = isolated();
    if (!named.isEmpty()) {
      config.set("ratelimit.store", named);
    }
    try (RateLimiter limiter = RateLimiter.builder().config(config.build()).build()) {
      EndpointLimits limits =
          limiter.limits(List.of(RateLimitPolicy.of("search", "1h", 2, "apiKey")));
      assertThat(limiter.acquire(limits, "k").remaining()).isEqualTo(1);
      assertThat(limiter.acquire(limits, "k").remaining()).isZero();
      assertThat(limiter.acquire(limits, "k").allowed()).isFalse();
      assertThat(limiter.acquire(limits, "other").allowed()).isTrue();
    }
  }

  @Test
  void namingAStoreThatIsNotThereListsTheOnesFound() {
    RateLimitConfig config = isolated().set("ratelimit.store", "hazelcast").build();
    assertThatIllegalStateException()
        .isThrownBy(() -> RateLimiter.builder().config(config).build())
        .withMessageContaining("ratelimit.store=hazelcast")
        .withMessageContaining("[caffeine]");
  }

  @Test
  void theMaximumSizeIsHonoured() {
    try (CaffeineStore bounded =
            (CaffeineStore) caffeineProvider().create(isolated().set(MAXIMUM_SIZE, "100").build());
        CaffeineStore unbounded = (CaffeineStore) caffeineProvider().create(isolated().build())) {
      Step step = Step.acquire(Algorithm.SLIDING_WINDOW, 3_600_000_000_000L, 5, 1);
      for (int i = 0; i < 1_000; i++) {
        bounded.apply("key-" + i, step);
        unbounded.apply("key-" + i, step);
      }
      bounded.cleanUp();
      unbounded.cleanUp();
      assertThat(bounded.estimatedSize()).isBetween(1L, 100L);
      assertThat(unbounded.estimatedSize())
          .as("default %d", CaffeineStore.DEFAULT_MAXIMUM_SIZE)
          .isEqualTo(1_000);
    }
  }

  @Test
  void theMaximumSizeCanComeFromTheEnvironment() {
    RateLimitConfig config =
        RateLimitConfig.builder()
            .environment(Map.of("RATELIMIT_CAFFEINE_MAXIMUM_SIZE", "10"))
            .systemProperties(Map.of())
            .build();
    try (CaffeineStore store = (CaffeineStore) caffeineProvider().create(config)) {
      for (int i = 0; i < 100; i++) {
        store.apply("key-" + i, Step.acquire(Algorithm.FIXED_WINDOW, 3_600_000_000_000L, 5, 1));
      }
      store.cleanUp();
      assertThat(store.estimatedSize()).isBetween(1L, 10L);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "1.5", "10k"})
  void aMaximumSizeThatIsNotANumberIsRejectedByName(String value) {
    RateLimitConfig config = isolated().set(MAXIMUM_SIZE, value).build();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> caffeineProvider().create(config))
        .withMessage(
            "configuration %s=\"%s\" (from code) is not a whole number", MAXIMUM_SIZE, value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-5"})
  void aMaximumSizeBelowOneIsRejectedByName(String value) {
    RateLimitConfig config = isolated().set(MAXIMUM_SIZE, value).build();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> caffeineProvider().create(config))
        .withMessageContaining(MAXIMUM_SIZE + "=\"" + value + "\" (from code)")
        .withMessageContaining("at least 1");
    assertThatIllegalArgumentException()
        .as("and when the limiter discovers the store")
        .isThrownBy(() -> RateLimiter.builder().config(config).build())
        .withMessageContaining(MAXIMUM_SIZE);
  }
}
