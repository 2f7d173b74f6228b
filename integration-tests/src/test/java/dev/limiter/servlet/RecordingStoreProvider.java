/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import dev.limiter.RateLimitConfig;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import dev.limiter.spi.StoreProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A second store, {@code recording}, that only a test WAR lists in its {@code
 * WEB-INF/classes/META-INF/services}: a Caffeine store that writes {@code <marker>.created} when it
 * is created and {@code <marker>.closed} when it is closed, {@code <marker>} being {@code
 * ratelimit.recording.marker}. The test class path does not list it, so only the web application
 * sees two stores.
 */
public final class RecordingStoreProvider implements StoreProvider {

  /** Called by {@link java.util.ServiceLoader}. */
  public RecordingStoreProvider() {}

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public RateLimitStore create(RateLimitConfig config) {
    Path marker =
        Path.of(
            config
                .get("ratelimit.recording.marker")
                .orElseThrow(() -> new IllegalArgumentException("ratelimit.recording.marker")));
    touch(marker, ".created");
    CaffeineStore store = CaffeineStore.ofDefaults();
    return new RateLimitStore() {
      @Override
      public void apply(String key, Step step, StepResult result) {
        store.apply(key, step, result);
      }

      @Override
      public void close() {
        store.close();
        touch(marker, ".closed");
      }
    };
  }

  private static void touch(Path marker, String suffix) {
    try {
      Files.writeString(marker.resolveSibling(marker.getFileName() + suffix), suffix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
