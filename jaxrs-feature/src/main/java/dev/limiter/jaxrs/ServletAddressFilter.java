/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import dev.limiter.RequestView;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import org.jspecify.annotations.Nullable;

/**
 * Hands the socket peer's address, as the servlet container reports it, to the {@link
 * EndpointFilter} that runs after it, through the request property {@link #ADDRESS_PROPERTY}.
 *
 * <p>{@link AddressFilters} registers it, injected once on Jersey and by class elsewhere (runtimes
 * inject nothing into provider instances that a {@code DynamicFeature} registers), and only when
 * the servlet API is on the class path, so the feature also runs without one. Outside a servlet
 * container nothing is injected, no address is handed on, and keys on {@code ip} do not resolve.
 */
final class ServletAddressFilter implements ContainerRequestFilter {

  /** The request property that carries the peer's address, a String. */
  static final String ADDRESS_PROPERTY = "dev.limiter.jaxrs.remoteAddress";

  @Context private @Nullable HttpServletRequest servletRequest;

  ServletAddressFilter() {}

  @Override
  public void filter(ContainerRequestContext request) {
    HttpServletRequest servlet = servletRequest;
    String address = RequestView.peerAddress(servlet == null ? null : servlet.getRemoteAddr());
    if (address.isEmpty()) {
      return;
    }
    request.setProperty(ADDRESS_PROPERTY, address);
  }
}
