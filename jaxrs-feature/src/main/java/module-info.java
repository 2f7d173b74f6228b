/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * The JAX-RS adapter: a feature that limits the resource methods it is registered for.
 *
 * <p>The Servlet API and Jersey are optional: the feature reads the client address through the
 * servlet request when the runtime has one, closes its limiter with the servlet context ({@link
 * dev.limiter.jaxrs.RateLimitFeatureInitializer}), and uses Jersey's injection when it runs on
 * Jersey.
 */
module dev.limiter.jaxrs {
  requires transitive dev.limiter;
  requires transitive jakarta.ws.rs;
  requires static transitive jakarta.servlet; // RateLimitFeatureInitializer is a servlet type
  requires static org.glassfish.jersey.core.common;
  requires static transitive org.jspecify; // the nullness annotations are part of the API

  exports dev.limiter.jaxrs;

  // JAX-RS runtimes create the feature's filters and inject their @Context fields reflectively;
  // the classes they create by class name are public, in a package opened to them, not exported
  opens dev.limiter.jaxrs;
  opens dev.limiter.jaxrs.internal;
}
