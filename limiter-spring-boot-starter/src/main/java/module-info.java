/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The Spring Boot 3 auto-configuration of the limiter: a {@code RateLimiter} configured from the
 * Spring {@code Environment}, and the Spring MVC interceptor registered for every controller.
 */
// the Spring jars are automatic modules, whose types (Environment, the conditions) are in this
// API; Spring reads the configuration classes reflectively
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.limiter.spring.boot {
  requires transitive dev.limiter;
  requires transitive dev.limiter.spring.webmvc;
  requires dev.limiter.caffeine; // the default store, found through the StoreProvider service
  requires transitive spring.boot;
  requires transitive spring.boot.autoconfigure;
  requires transitive spring.core;
  requires transitive spring.beans;
  requires transitive spring.context;
  requires transitive spring.web;
  requires transitive spring.webmvc;
  requires static transitive org.jspecify; // the nullness annotations are part of the API

  exports dev.limiter.spring.boot;

  opens dev.limiter.spring.boot to
      spring.core,
      spring.beans,
      spring.context;
}
