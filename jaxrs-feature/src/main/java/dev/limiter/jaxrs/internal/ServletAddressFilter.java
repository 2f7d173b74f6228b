/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs.internal;

import dev.limiter.RequestView;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import org.jspecify.annotations.Nullable;

/**
 * Not API: hands the socket peer's address, as the servlet container reports it, to the rate-limit
 * filter that runs after it, through the request property {@link #ADDRESS_PROPERTY}.
 *
 * <p>{@code RateLimitFeature} registers it in front of each limited resource method, injected once
 * on Jersey and by class elsewhere (runtimes inject nothing into provider instances that a {@code
 * DynamicFeature} registers), and only when the servlet API is on the class path. It is public,
 * with a public constructor, because runtimes such as RESTEasy create the classes registered with
 * them through public constructors only; the package is opened to them, not exported. Outside a
 * servlet container nothing is injected, no address is handed on, and keys on {@code ip} do not
 * resolve. On Jersey's servlet container the rate-limit filter reads the address through {@link
 * JerseyServlet}, and this filter does nothing.
 */
public final class ServletAddressFilter implements ContainerRequestFilter {

  /** The request property that carries the peer's address, a String. */
  public static final String ADDRESS_PROPERTY = "dev.limiter.jaxrs.remoteAddress";

  @Context private @Nullable HttpServletRequest servletRequest;

  /** Creates the filter; the runtime injects the servlet request. */
  public ServletAddressFilter() {}

  /**
   * Sets {@link #ADDRESS_PROPERTY} to the peer's address, when the servlet container says it.
   *
   * @param request the request
   */
  @Override
  public void filter(ContainerRequestContext request) {
    if (JerseyServlet.readsServletRequest(request)) {
      return; // the rate-limit filter reads the address itself, without the injected proxy
    }
    HttpServletRequest servlet = servletRequest;
    String address = RequestView.peerAddress(servlet == null ? null : servlet.getRemoteAddr());
    if (address.isEmpty()) {
      return;
    }
    request.setProperty(ADDRESS_PROPERTY, address);
  }
}
