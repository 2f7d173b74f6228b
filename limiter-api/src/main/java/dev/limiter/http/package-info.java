/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * The HTTP mapping of rate-limit outcomes, written once for every web adapter: which headers a
 * response carries, and the status, content type and body of a rejection.
 *
 * <p>{@link dev.limiter.http.HttpContract} turns an {@link dev.limiter.Outcome} into a {@link
 * dev.limiter.http.RateLimitResponse}; the servlet filter and the JAX-RS feature only copy that
 * value onto their response objects, so both emit the same bytes. Nothing here depends on Jakarta
 * or any other web API.
 */
@NullMarked
package dev.limiter.http;

import org.jspecify.annotations.NullMarked;
