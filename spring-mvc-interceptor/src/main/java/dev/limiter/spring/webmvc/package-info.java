/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * Rate limiting for Spring MVC: {@link dev.limiter.spring.webmvc.RateLimitInterceptor} enforces
 * {@link dev.limiter.annotation.RateLimit}, {@link dev.limiter.annotation.ConcurrencyLimit} and
 * {@link dev.limiter.annotation.IdempotencyKey} on the handler methods of {@code @Controller} and
 * {@code @RestController} classes, and completes each admitted request's {@link
 * dev.limiter.Admission} when its response ends.
 */
@NullMarked
package dev.limiter.spring.webmvc;

import org.jspecify.annotations.NullMarked;
