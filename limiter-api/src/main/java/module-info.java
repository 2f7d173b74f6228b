/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The engine, the annotations, the HTTP mapping and the store SPI of the rate limiter; the JDK is
 * its only dependency.
 *
 * <p>Exported: {@code dev.limiter} (the engine, its answers and its listener), {@code
 * dev.limiter.annotation}, {@code dev.limiter.http} (what adapters write), {@code dev.limiter.spi}
 * (the store contract) and {@code dev.limiter.failover} (failure modes around any store). {@code
 * dev.limiter.algorithm}, the state layout a store that keeps states in place needs, is exported
 * only to the stores of this project.
 */
@SuppressWarnings("module") // the qualified export names modules built after this one
module dev.limiter {
  requires static transitive org.jspecify; // the nullness annotations are part of the API

  exports dev.limiter;
  exports dev.limiter.annotation;
  exports dev.limiter.http;
  exports dev.limiter.spi;
  exports dev.limiter.failover;
  exports dev.limiter.algorithm to
      dev.limiter.caffeine;

  uses dev.limiter.spi.StoreProvider;
}
