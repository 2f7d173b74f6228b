/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import dev.limiter.Admission;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;

/**
 * Clears, when a request of the application starts, an {@link Admission#current()} that another
 * request left on the thread: an asynchronous resource method returns its thread to the container
 * with its request's admission still current, since the response filter that clears it runs later,
 * on the thread that produces the response.
 *
 * <p>An admission that belongs to the request itself stays: a servlet filter in front of the
 * application may have admitted it ({@link Admission#ATTRIBUTE}, which a servlet container keeps as
 * a request property). {@link RateLimitFeature} registers one instance for every request of the
 * application, before any other pre-matching filter.
 */
@PreMatching
final class CurrentAdmissionReset implements ContainerRequestFilter {

  /** Before every other request filter. */
  static final int PRIORITY = Integer.MIN_VALUE;

  @Override
  public void filter(ContainerRequestContext request) {
    Admission current = Admission.current().orElse(null);
    if (current != null && request.getProperty(Admission.ATTRIBUTE) != current) {
      Admission.setCurrent(null);
    }
  }
}
