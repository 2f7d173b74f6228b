/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import dev.limiter.EndpointLimits;
import dev.limiter.RateLimiter;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The limits of a resource method that the runtime reports on the interface that carries the
 * Jakarta REST annotations, as RESTEasy does: read from the class of the resource instance each
 * request matched, once per class, as {@link RateLimitFeature} reads them from a class at
 * deployment.
 */
final class ImplementationLimits implements Function<ContainerRequestContext, EndpointLimits> {

  private final RateLimiter limiter;
  private final Class<?> declared;
  private final Method method;
  private final Map<Class<?>, EndpointLimits> byClass = new ConcurrentHashMap<>();

  ImplementationLimits(RateLimiter limiter, Class<?> declared, Method method) {
    this.limiter = limiter;
    this.declared = declared;
    this.method = method;
  }

  @Override
  public EndpointLimits apply(ContainerRequestContext request) {
    List<Object> matched = request.getUriInfo().getMatchedResources();
    Class<?> type = matched.isEmpty() ? declared : matched.get(0).getClass();
    return byClass.computeIfAbsent(type, this::limitsOf);
  }

  /**
   * The limits of {@code type}'s implementation of the method; an invalid annotation there fails
   * the request, as it would have failed the deployment had the runtime reported the class.
   */
  private EndpointLimits limitsOf(Class<?> type) {
    Method own = RateLimitFeature.annotated(type, method);
    return limiter.limitsFor(type, own, PathTemplates.parameters(declared, method, own));
  }
}
