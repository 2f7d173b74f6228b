/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The Spring MVC adapter: a handler interceptor that enforces the limiter's annotations ({@code
 * RateLimit}, {@code ConcurrencyLimit}, {@code IdempotencyKey}) on controller methods and classes.
 */
// the Spring jars are automatic modules; HandlerInterceptor and the servlet types are in this API
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.limiter.spring.webmvc {
  requires transitive dev.limiter;
  requires transitive spring.webmvc;
  requires transitive spring.web;
  requires transitive spring.context;
  requires transitive spring.beans;
  requires spring.core;
  requires transitive jakarta.servlet;
  requires static spring.security.core; // principal from the SecurityContextHolder, when present
  requires static transitive org.jspecify; // the nullness annotations are part of the API

  exports dev.limiter.spring.webmvc;
}
