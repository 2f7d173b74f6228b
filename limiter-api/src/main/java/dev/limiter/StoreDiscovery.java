/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.StoreProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Finds the store a {@link RateLimiter} built without one uses: the one {@link StoreProvider} on
 * the class path, or the one {@code ratelimit.store} names.
 */
final class StoreDiscovery {

  private StoreDiscovery() {}

  /**
   * Creates the store the class path and {@code ratelimit.store} choose.
   *
   * @throws IllegalStateException naming what to add or choose when there is none, or several and
   *     none named
   */
  static RateLimitStore discover(RateLimitConfig config) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = StoreDiscovery.class.getClassLoader();
    }
    List<StoreProvider> providers = new ArrayList<>();
    for (StoreProvider provider : ServiceLoader.load(StoreProvider.class, loader)) {
      providers.add(provider);
    }
    List<String> names = providers.stream().map(StoreProvider::name).toList();
    Optional<String> named = config.get("ratelimit.store");
    if (named.isPresent()) {
      for (StoreProvider provider : providers) {
        if (provider.name().equalsIgnoreCase(named.get())) {
          return provider.create(config);
        }
      }
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "ratelimit.store=%s, but the stores on the class path are %s; add the module"
                  + " %s-store or name one of those",
              named.get(),
              names,
              named.get().toLowerCase(Locale.ROOT)));
    }
    if (providers.size() == 1) {
      return providers.get(0).create(config);
    }
    if (providers.isEmpty()) {
      throw new IllegalStateException(
          "no rate-limit store on the class path: add dev.limiter:caffeine-store (one node) or"
              + " dev.limiter:hazelcast-store (a cluster), or pass a store to"
              + " RateLimiter.builder().store(...)");
    }
    String first = names.get(0);
    throw new IllegalStateException(
        String.format(
            Locale.ROOT,
            "several rate-limit stores are on the class path: %s; choose one with ratelimit.store,"
                + " as an <init-param> ratelimit.store of the servlet filter, ratelimit.store=%s"
                + " in application.properties (Spring) or ratelimit.properties,"
                + " -Dratelimit.store=%s, or RATELIMIT_STORE=%s",
            names,
            first,
            first,
            first));
  }
}
