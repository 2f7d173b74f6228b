/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import dev.limiter.jaxrs.internal.ServletAddressFilter;
import jakarta.ws.rs.core.FeatureContext;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Puts a {@link ServletAddressFilter} in front of each limited resource method of one {@link
 * RateLimitFeature}, where a servlet container can say the client's address.
 *
 * <p>A class registered by a dynamic feature is created and injected anew for every request, and an
 * instance it registers is not injected at all. So on Jersey one instance is injected once through
 * Jersey's injection manager (with a proxy to the current request) and registered on every limited
 * method; on other runtimes, or if Jersey refuses, the class is registered. Without the servlet API
 * on the class path nothing is registered and keys on {@code ip} do not resolve.
 *
 * <p>Used by the runtime's deployment thread only: {@link #start} once per application, then {@link
 * #register} for each limited method.
 */
final class AddressFilters {

  private static final String SERVLET_REQUEST = "jakarta.servlet.http.HttpServletRequest";

  private final boolean servletApi = present(SERVLET_REQUEST);
  private @Nullable Consumer<Object> jerseyInjector;
  private @Nullable ServletAddressFilter injected;

  /** Whether the servlet API is on the class path, so that client addresses can come from it. */
  boolean servletApi() {
    return servletApi;
  }

  /**
   * Starts an application: forgets the previous one's filter, and on Jersey keeps the injection
   * manager behind {@code context}, the application's configuration.
   */
  void start(FeatureContext context) {
    // each application that starts with the feature gets its own filter, from its own manager
    jerseyInjector = null;
    injected = null;
    if (!servletApi) {
      return;
    }
    try {
      if (JerseyInjection.AVAILABLE) {
        jerseyInjector = JerseyInjection.injector(context);
      }
    } catch (RuntimeException | LinkageError e) {
      jerseyInjector = null; // not Jersey's context, or another Jersey: the portable way
    }
  }

  /** Registers the client-address filter on the method {@code context} configures. */
  void register(FeatureContext context, int priority) {
    if (!servletApi) {
      return;
    }
    ServletAddressFilter filter = injected();
    if (filter != null) {
      context.register(filter, priority);
    } else {
      context.register(ServletAddressFilter.class, priority); // created for every request
    }
  }

  /** Returns the filter injected once for this application; null when not on Jersey. */
  private @Nullable ServletAddressFilter injected() {
    Consumer<Object> injector = jerseyInjector;
    if (injected == null && injector != null) {
      try {
        ServletAddressFilter filter = new ServletAddressFilter();
        injector.accept(filter);
        injected = filter;
      } catch (RuntimeException | LinkageError e) {
        jerseyInjector = null; // the portable way from now on
      }
    }
    return injected;
  }

  /** The filter {@link #register} injected, for tests; null before the first limited method. */
  @Nullable ServletAddressFilter injectedFilter() {
    return injected;
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, AddressFilters.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
