/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * The algorithms: how a state of {@code long}s is counted for each {@link dev.limiter.Algorithm},
 * what {@link dev.limiter.spi.Step} delegates to, and what this project's stores know of a state
 * beyond the store SPI ({@link dev.limiter.algorithm.States}, {@link
 * dev.limiter.algorithm.EvictionSummary}).
 *
 * <p>Not API: a store outside this project needs only {@link dev.limiter.spi}; the module exports
 * this package to the Caffeine store alone.
 */
@NullMarked
package dev.limiter.algorithm;

import org.jspecify.annotations.NullMarked;
