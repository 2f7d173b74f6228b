/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.webmvc;

import dev.limiter.RequestView;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.HandlerMapping;

/**
 * The parts of a request to a Spring MVC handler that key expressions read: the servlet request,
 * the URI template variables the handler mapping matched, and the Spring Security principal.
 */
final class SpringRequestView implements RequestView {

  /** Whether Spring Security is there to ask when the request has no user principal. */
  private static final boolean SECURITY =
      ClassUtils.isPresent(
          "org.springframework.security.core.context.SecurityContextHolder",
          SpringRequestView.class.getClassLoader());

  private final HttpServletRequest request;

  SpringRequestView(HttpServletRequest request) {
    this.request = request;
  }

  @Override
  public @Nullable String header(String name) {
    return request.getHeader(name);
  }

  @Override
  public List<String> headers(String name) {
    Enumeration<String> values = request.getHeaders(name);
    return values == null ? List.of() : Collections.list(values);
  }

  @Override
  public @Nullable String queryParameter(String name) {
    return QueryStrings.parameter(request.getQueryString(), name);
  }

  /** A URI template variable of the matched pattern, decoded by the handler mapping. */
  @Override
  public @Nullable String pathParameter(String name) {
    return request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE)
            instanceof Map<?, ?> variables
        ? variables.get(name) instanceof String value ? value : null
        : null;
  }

  /**
   * The user principal of the request (Spring Security's servlet API integration sets it), else the
   * authenticated user of the {@code SecurityContextHolder} when Spring Security is present.
   */
  @Override
  public @Nullable String principal() {
    Principal principal = request.getUserPrincipal();
    if (principal != null) {
      return principal.getName();
    }
    return SECURITY ? SecurityPrincipal.name() : null;
  }

  /** The peer address; an IPv6 literal without the brackets some containers put around it. */
  @Override
  public String remoteAddress() {
    return RequestView.peerAddress(request.getRemoteAddr());
  }
}
