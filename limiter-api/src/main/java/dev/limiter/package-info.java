/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * Server-side rate limiting: the policy model, the {@link dev.limiter.RateLimiter} engine that
 * decides requests, and the values it returns.
 *
 * <p>Web adapters ({@code RateLimitFilter}, {@code RateLimitFeature}) build on this package; most
 * applications only declare {@link dev.limiter.annotation.RateLimit} and never call it directly.
 */
@NullMarked
package dev.limiter;

import org.jspecify.annotations.NullMarked;
