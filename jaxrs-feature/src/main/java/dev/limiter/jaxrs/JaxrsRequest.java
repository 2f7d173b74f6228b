/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import dev.limiter.RequestView;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The parts of a Jakarta REST request that key expressions read.
 *
 * <p>Never throws on hostile input: parameters whose percent-encoding the runtime refuses to decode
 * count as absent, so the request is answered with a 400 rather than a 500.
 */
final class JaxrsRequest implements RequestView {

  private final ContainerRequestContext context;
  private final String remoteAddress;

  JaxrsRequest(ContainerRequestContext context, String remoteAddress) {
    this.context = context;
    this.remoteAddress = remoteAddress;
  }

  @Override
  public @Nullable String header(String name) {
    return context.getHeaders().getFirst(name);
  }

  @Override
  public List<String> headers(String name) {
    List<String> values = context.getHeaders().get(name);
    return values == null ? List.of() : values;
  }

  @Override
  public @Nullable String queryParameter(String name) {
    try {
      return first(context.getUriInfo().getQueryParameters(), name);
    } catch (IllegalArgumentException e) {
      return null; // malformed percent-encoding somewhere in the query
    }
  }

  @Override
  public @Nullable String pathParameter(String name) {
    try {
      return first(context.getUriInfo().getPathParameters(), name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public @Nullable String principal() {
    SecurityContext security = context.getSecurityContext();
    Principal principal = security == null ? null : security.getUserPrincipal();
    return principal == null ? null : principal.getName();
  }

  @Override
  public String remoteAddress() {
    return remoteAddress;
  }

  private static @Nullable String first(MultivaluedMap<String, String> parameters, String name) {
    return parameters.getFirst(name);
  }
}
