/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * A runnable demonstration server: Jetty 12 serving a plain servlet and Jersey resources, limited
 * by {@code RateLimitFilter} and {@code RateLimitFeature} through one {@link
 * dev.limiter.RateLimiter}.
 */
@NullMarked
package dev.limiter.demo;

import org.jspecify.annotations.NullMarked;
