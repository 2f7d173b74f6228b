/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.webmvc;

import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Reads the authenticated user from Spring Security's {@link SecurityContextHolder}; loaded only
 * when Spring Security is on the class path.
 */
final class SecurityPrincipal {

  private SecurityPrincipal() {}

  /** The user's name, or null when nobody, or only the anonymous user, is authenticated. */
  static @Nullable String name() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication == null
        || !authentication.isAuthenticated()
        || authentication instanceof AnonymousAuthenticationToken) {
      return null;
    }
    return authentication.getName();
  }
}
