/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * Enforces {@link dev.limiter.annotation.RateLimit} on Jakarta REST resources: register {@link
 * dev.limiter.jaxrs.RateLimitFeature} in the application.
 *
 * <p>Everything else in this package is an implementation detail.
 */
@NullMarked
package dev.limiter.jaxrs;

import org.jspecify.annotations.NullMarked;
