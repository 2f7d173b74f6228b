/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * Not API: the classes of {@code dev.limiter.jaxrs.RateLimitFeature} that JAX-RS runtimes and
 * servlet containers create or call reflectively. They are public because runtimes create the
 * classes registered with them through public constructors; the package is opened, not exported,
 * and may change in any release.
 */
@NullMarked
package dev.limiter.jaxrs.internal;

import org.jspecify.annotations.NullMarked;
