/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * Rate limiting for Spring MVC: {@link dev.limiter.spring.webmvc.RateLimitInterceptor} enforces
 * {@link dev.limiter.annotation.RateLimit} on the handler methods of {@code @Controller} and
 * {@code @RestController} classes.
 */
@NullMarked
package dev.limiter.spring.webmvc;

import org.jspecify.annotations.NullMarked;
