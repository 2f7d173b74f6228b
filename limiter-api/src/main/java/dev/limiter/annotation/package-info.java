/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
/** The {@link dev.limiter.annotation.RateLimit} annotation that declares limits on endpoints. */
@NullMarked
package dev.limiter.annotation;

import org.jspecify.annotations.NullMarked;
