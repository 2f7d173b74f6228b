/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs.internal;

import dev.limiter.Admission;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.EnumSet;

/**
 * Not API: completes the admission of a limited JAX-RS request that no response filter completed,
 * with 500 since its status is not known, when the servlet container is done with the request.
 *
 * <p>The feature's response filter completes the admission whenever the runtime produces a
 * response: a return, a mapped exception, the runtime's default mapping of an unmapped one, an
 * asynchronous response resumed or timed out. This filter, around every request of the servlet
 * context, covers the others: an exception that the runtime passes on to the container (completed
 * when it leaves the filter chain), and an asynchronous request that ends without the runtime
 * producing a response, such as one the container ends after the client went away (completed by an
 * {@link AsyncListener} added before the request's first dispatch returns, which every container
 * then calls when the asynchronous request ends, however it ends).
 *
 * <p>Also clears an {@link Admission#current()} that a JAX-RS request left on its thread: when the
 * request's first dispatch returns, the resource method has returned, and an asynchronous one's
 * response filter runs later, on another thread.
 *
 * <p>{@link ServletLifecycle#install} adds it, so it runs where {@code RateLimitFeatureInitializer}
 * ran; it supports asynchronous requests, as the JAX-RS servlet it wraps must.
 */
public final class ServletCompletion implements Filter {

  /**
   * The request property, and so servlet request attribute, under which the feature keeps the
   * admission of a request until it completes.
   */
  public static final String ADMISSION_PROPERTY = "dev.limiter.jaxrs.Admission";

  /** The status a request completes with when its response did not pass the response filter. */
  static final int UNKNOWN_STATUS = 500;

  private static final String NAME = "dev.limiter.jaxrs.ServletCompletion";

  private static final System.Logger LOG = System.getLogger("dev.limiter.jaxrs");

  ServletCompletion() {}

  /** Adds the filter to {@code context}, in front of the filters the application declares. */
  static void install(ServletContext context) {
    FilterRegistration.Dynamic filter = context.addFilter(NAME, new ServletCompletion());
    if (filter == null) {
      return; // a filter of that name is there already
    }
    filter.setAsyncSupported(true);
    filter.addMappingForUrlPatterns(
        EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD), false, "/*");
  }

  /**
   * Passes the request on, then completes its admission if nothing did and it is not asynchronous,
   * or has the end of its asynchronous processing do it.
   *
   * @param request the request
   * @param response the response
   * @param chain the rest of the chain
   * @throws IOException as the chain throws it
   * @throws ServletException as the chain throws it
   */
  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    Admission stale = Admission.current().orElse(null);
    if (stale != null && request.getAttribute(Admission.ATTRIBUTE) != stale) {
      Admission.setCurrent(null); // left by an asynchronous request this thread served
    }
    try {
      chain.doFilter(request, response);
    } finally {
      if (request.getAttribute(ADMISSION_PROPERTY) instanceof Admission admission) {
        ended(request, admission);
      }
    }
  }

  private static void ended(ServletRequest request, Admission admission) {
    clearCurrent(admission);
    if (admission.completed()) {
      return;
    }
    if (request.isAsyncStarted()) {
      // allowed until this dispatch returns to the container, and called after it
      request.getAsyncContext().addListener(new AtEnd(admission));
      return;
    }
    complete(admission);
  }

  private static void complete(Admission admission) {
    if (!admission.completed()) {
      admission.complete(UNKNOWN_STATUS);
      LOG.log(
          Level.DEBUG,
          "a limited request ended without its response passing the rate-limit response filter;"
              + " completed with status {0}",
          UNKNOWN_STATUS);
    }
  }

  private static void clearCurrent(Admission admission) {
    if (Admission.current().orElse(null) == admission) {
      Admission.setCurrent(null);
    }
  }

  /** Completes an admission when its asynchronous request ends, however it ends. */
  private static final class AtEnd implements AsyncListener {
    private final Admission admission;

    AtEnd(Admission admission) {
      this.admission = admission;
    }

    @Override
    public void onComplete(AsyncEvent event) {
      complete(admission);
    }

    /** Nothing yet: the runtime may still answer, and the request ends after this. */
    @Override
    public void onTimeout(AsyncEvent event) {}

    /** Nothing yet: the request ends after this. */
    @Override
    public void onError(AsyncEvent event) {}

    /** Asynchronous processing starts again: the container forgets its listeners, so listen on. */
    @Override
    public void onStartAsync(AsyncEvent event) {
      event.getAsyncContext().addListener(this);
    }
  }
}
