/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * A single-node {@link dev.limiter.spi.RateLimitStore} on a bounded Caffeine cache: {@link
 * dev.limiter.caffeine.CaffeineStore}.
 */
@NullMarked
package dev.limiter.caffeine;

import dev.limiter.spi.RateLimitStore;
import org.jspecify.annotations.NullMarked;
