/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs.internal;

import jakarta.servlet.ServletContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import org.jspecify.annotations.Nullable;

/**
 * Not API: learns the servlet context of a JAX-RS application, which the runtime injects, and has
 * {@link ServletLifecycle} close the application's rate limiters when that context is destroyed.
 *
 * <p>{@code RateLimitFeature} registers this class, when the servlet API is on the class path,
 * after it set {@link #CLOSEABLE_PROPERTY}: a separate class, so that the feature itself names no
 * servlet type and runs without the servlet API. Public with a public constructor, because the
 * runtime creates it.
 */
public final class ServletContextFeature implements Feature {

  /** The application property that holds what to close with the servlet context. */
  public static final String CLOSEABLE_PROPERTY = "dev.limiter.jaxrs.ApplicationLimiters";

  @Context private @Nullable ServletContext servletContext;

  /** Creates the feature; the runtime injects the servlet context. */
  public ServletContextFeature() {}

  /**
   * Registers the application's limiters with its servlet context, if it runs in one.
   *
   * @param context the application's configuration
   * @return false: the feature registers no component
   */
  @Override
  public boolean configure(FeatureContext context) {
    ServletContext servlet = servletContext;
    if (servlet != null
        && context.getConfiguration().getProperty(CLOSEABLE_PROPERTY)
            instanceof AutoCloseable closeable) {
      ServletLifecycle.closeOnDestroy(servlet, closeable);
    }
    return false;
  }
}
