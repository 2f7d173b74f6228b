/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * The store SPI: where rate-limit state lives and how it is updated atomically per key.
 *
 * <p>A store implements {@link dev.limiter.spi.RateLimitStore}; the algorithm itself comes with
 * each {@link dev.limiter.spi.Step}, so a store only needs an atomic read-modify-write per key and
 * an expiry for idle keys. A store module is found through {@link java.util.ServiceLoader} by its
 * {@link dev.limiter.spi.StoreProvider}.
 */
@NullMarked
package dev.limiter.spi;

import org.jspecify.annotations.NullMarked;
