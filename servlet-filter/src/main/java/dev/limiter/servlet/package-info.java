/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * Rate limiting for Jakarta Servlet applications: {@link dev.limiter.servlet.RateLimitFilter}
 * enforces {@link dev.limiter.annotation.RateLimit} on servlets and URL-pattern policies from the
 * configuration.
 */
@NullMarked
package dev.limiter.servlet;

import org.jspecify.annotations.NullMarked;
