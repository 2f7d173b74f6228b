/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * Tests for store authors: {@link dev.limiter.test.StoreCompatibilityKit}, the contract every
 * {@link dev.limiter.spi.RateLimitStore} must keep, and {@link dev.limiter.test.FlappingStore}, a
 * store that fails on a schedule, for campaigns against a failure mode.
 */
@NullMarked
package dev.limiter.test;

import org.jspecify.annotations.NullMarked;
