/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * The limiter's events as Micrometer meters, with bounded tags: {@link
 * dev.limiter.micrometer.RateLimitMetrics}.
 */
@NullMarked
package dev.limiter.micrometer;

import org.jspecify.annotations.NullMarked;
