/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * The store SPI: where rate-limit state lives and how it is updated atomically per key.
 *
 * <p>A store implements {@link dev.limiter.spi.RateLimitStore}: one atomic read-modify-write per
 * key, applying the {@link dev.limiter.spi.Step} it is given and filling the caller's {@link
 * dev.limiter.spi.StepResult}, and an expiry for idle keys; the algorithm comes with the step, so a
 * store never interprets the state. It says it cannot answer with a {@link
 * dev.limiter.spi.StoreException}, and is found through {@link java.util.ServiceLoader} by its
 * {@link dev.limiter.spi.StoreProvider}. The compatibility kit in {@code dev.limiter:limiter-test}
 * checks a store against this contract.
 */
@NullMarked
package dev.limiter.spi;

import org.jspecify.annotations.NullMarked;
