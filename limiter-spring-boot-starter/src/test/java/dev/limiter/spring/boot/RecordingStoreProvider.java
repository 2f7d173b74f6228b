/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.boot;

import dev.limiter.RateLimitConfig;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import dev.limiter.spi.StoreProvider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A second store module, {@code recording}: a real Caffeine store that counts its calls and its
 * closes. Found by {@code ServiceLoader} only through {@link #classLoader()}, so that the other
 * tests see the starter's class path with Caffeine alone.
 */
public final class RecordingStoreProvider implements StoreProvider {

  /** Every store the provider created, in order. */
  static final List<RecordingStore> CREATED = new CopyOnWriteArrayList<>();

  /** Called by ServiceLoader. */
  public RecordingStoreProvider() {}

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public RateLimitStore create(RateLimitConfig config) {
    RecordingStore store = new RecordingStore();
    CREATED.add(store);
    return store;
  }

  /** The test class path plus a {@code META-INF/services} file naming this provider. */
  static ClassLoader classLoader() {
    ClassLoader parent = RecordingStoreProvider.class.getClassLoader();
    return new java.net.URLClassLoader(
        new java.net.URL[] {parent.getResource("second-store/")}, parent);
  }

  /** A Caffeine store that counts. */
  static final class RecordingStore implements RateLimitStore {
    final AtomicInteger applied = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    private final CaffeineStore store = CaffeineStore.builder().maximumSize(1_000).build();

    @Override
    public void apply(String key, Step step, StepResult result) {
      applied.incrementAndGet();
      store.apply(key, step, result);
    }

    @Override
    public void close() {
      closed.incrementAndGet();
      store.close();
    }
  }
}
