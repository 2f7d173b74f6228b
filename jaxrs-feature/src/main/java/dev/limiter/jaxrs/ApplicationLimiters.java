/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import dev.limiter.jaxrs.internal.ServletContextFeature;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.FeatureContext;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The limiters of the {@link RateLimitFeature}s of one application, kept in the application's
 * configuration as the property {@link #PROPERTY}, so that every instance a runtime creates of a
 * class-registered feature finds the same one, and so that all of them close together when the
 * application is undeployed.
 *
 * <p>The features built with the defaults share one limiter (and so one store); a feature built
 * with its own parts or limiter keeps its own.
 */
final class ApplicationLimiters implements AutoCloseable {

  /** The application property that holds this object. */
  static final String PROPERTY = ServletContextFeature.CLOSEABLE_PROPERTY;

  private @Nullable LazyLimiter shared;
  private final List<LazyLimiter> all = new ArrayList<>();
  private boolean closed;

  private ApplicationLimiters() {}

  /** Returns the application's limiters, set as a property of {@code context} the first time. */
  static ApplicationLimiters of(FeatureContext context) {
    ApplicationLimiters found = find(context.getConfiguration());
    if (found == null) {
      found = new ApplicationLimiters();
      context.property(PROPERTY, found);
    }
    return found;
  }

  /** Returns the application's limiters, or null if no feature of it was configured yet. */
  static @Nullable ApplicationLimiters find(Configuration configuration) {
    return configuration.getProperty(PROPERTY) instanceof ApplicationLimiters limiters
        ? limiters
        : null;
  }

  /**
   * Returns the limiter a feature whose own is {@code limiter} uses in this application: the shared
   * one for a feature with the defaults, else its own; either way closed with the application.
   */
  synchronized LazyLimiter adopt(LazyLimiter limiter) {
    if (limiter.defaults()) {
      LazyLimiter first = shared;
      if (first != null) {
        return first;
      }
      shared = limiter;
    }
    if (!all.contains(limiter)) {
      all.add(limiter);
      if (closed) {
        limiter.close();
      }
    }
    return limiter;
  }

  /** Closes the limiters the features built; those the user gave stay open. */
  @Override
  public void close() {
    List<LazyLimiter> toClose;
    synchronized (this) {
      closed = true;
      toClose = List.copyOf(all);
    }
    RuntimeException failure = null;
    for (LazyLimiter limiter : toClose) {
      try {
        limiter.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
