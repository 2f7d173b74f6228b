/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * Spring Boot 3 auto-configuration of the limiter: {@link
 * dev.limiter.spring.boot.RateLimitAutoConfiguration}.
 */
@NullMarked
package dev.limiter.spring.boot;

import org.jspecify.annotations.NullMarked;
