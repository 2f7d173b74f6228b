/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.webmvc;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.security.Principal;
import java.util.List;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Authenticates test requests the two ways the interceptor reads: {@code X-Servlet-User} as the
 * request's user principal (what Spring Security's servlet API integration does), {@code
 * X-Security-User} as an authenticated user in Spring Security's {@code SecurityContextHolder}
 * only, and {@code X-Anonymous} as Spring Security's anonymous user. Real Spring Security with an
 * authenticated user runs in the starter's tests.
 */
final class TestAuthentication implements Filter {

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest http = (HttpServletRequest) request;
    String servletUser = http.getHeader("X-Servlet-User");
    String securityUser = http.getHeader("X-Security-User");
    if (http.getHeader("X-Anonymous") != null) {
      SecurityContextHolder.getContext()
          .setAuthentication(
              new AnonymousAuthenticationToken(
                  "key", "anonymousUser", AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")));
    }
    if (securityUser != null) {
      SecurityContextHolder.getContext()
          .setAuthentication(
              UsernamePasswordAuthenticationToken.authenticated(securityUser, null, List.of()));
    }
    try {
      if (servletUser != null) {
        Principal principal = () -> servletUser;
        chain.doFilter(
            new HttpServletRequestWrapper(http) {
              @Override
              public Principal getUserPrincipal() {
                return principal;
              }
            },
            response);
      } else {
        chain.doFilter(request, response);
      }
    } finally {
      SecurityContextHolder.clearContext();
    }
  }
}
