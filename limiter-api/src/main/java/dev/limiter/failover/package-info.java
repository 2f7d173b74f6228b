/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * What happens when a store cannot answer: {@link dev.limiter.failover.FailoverStore} wraps any
 * {@link dev.limiter.spi.RateLimitStore} and answers for it in a {@link
 * dev.limiter.failover.FailureMode} (open, closed, or a local fallback), per failure domain, with a
 * circuit that stops waiting on a store that keeps failing.
 */
@NullMarked
package dev.limiter.failover;

import org.jspecify.annotations.NullMarked;
