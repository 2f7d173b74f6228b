/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs.internal;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * Not API: closes, when a servlet context is destroyed, what the rate-limit features of its JAX-RS
 * applications opened. {@code RateLimitFeatureInitializer} {@linkplain #install installs} it when
 * the context starts; {@link ServletContextFeature} {@linkplain #closeOnDestroy registers} each
 * application's limiters with it when the application is deployed.
 */
public final class ServletLifecycle implements ServletContextListener {

  /** The servlet-context attribute that holds the context's {@code ServletLifecycle}. */
  public static final String ATTRIBUTE = ServletLifecycle.class.getName();

  private static final System.Logger LOG = System.getLogger("dev.limiter.jaxrs");

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private boolean destroyed;

  private ServletLifecycle() {}

  /**
   * Installs the listener in {@code context}, once, with the filter {@link ServletCompletion};
   * called while the context starts.
   *
   * @param context the servlet context
   */
  public static void install(ServletContext context) {
    if (context.getAttribute(ATTRIBUTE) instanceof ServletLifecycle) {
      return;
    }
    ServletLifecycle lifecycle = new ServletLifecycle();
    context.addListener(lifecycle);
    ServletCompletion.install(context); // completes what no response filter did
    context.setAttribute(ATTRIBUTE, lifecycle);
  }

  /**
   * Closes {@code closeable} when {@code context} is destroyed, or says in the log that nothing
   * will, when the listener was not installed there.
   *
   * @param context the servlet context of the application
   * @param closeable what the application's features opened
   */
  static void closeOnDestroy(ServletContext context, AutoCloseable closeable) {
    if (context.getAttribute(ATTRIBUTE) instanceof ServletLifecycle lifecycle) {
      lifecycle.add(closeable);
      return;
    }
    LOG.log(
        Level.WARNING,
        "RateLimitFeatureInitializer did not run in servlet context ''{0}'', so nothing closes the"
            + " rate limiter of RateLimitFeature, nor the store it found, when the application"
            + " stops. Servlet containers that scan the application''s jars run it; an embedded"
            + " server that does not needs addServletContainerInitializer(new"
            + " RateLimitFeatureInitializer()). Or register the feature with a limiter you build"
            + " and close yourself.",
        context.getContextPath());
  }

  private void add(AutoCloseable closeable) {
    boolean closeNow;
    synchronized (this) {
      closeNow = destroyed;
      if (!closeNow && !toClose.contains(closeable)) {
        toClose.add(closeable);
      }
    }
    if (closeNow) {
      close(closeable);
    }
  }

  /** Does nothing: the features register what to close when they are deployed. */
  @Override
  public void contextInitialized(ServletContextEvent event) {}

  /**
   * Closes what the features of the context's applications opened, in the order they opened it.
   *
   * @param event the context's destruction
   */
  @Override
  public void contextDestroyed(ServletContextEvent event) {
    List<AutoCloseable> closing;
    synchronized (this) {
      destroyed = true;
      closing = List.copyOf(toClose);
      toClose.clear();
    }
    closing.forEach(ServletLifecycle::close);
  }

  private static void close(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "RateLimitFeature could not close its rate limiter", e);
    }
  }
}
