/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import dev.limiter.EndpointLimits;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import dev.limiter.annotation.IdempotencyKey;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Finds the limits of a request: the {@code @RateLimit}s of the servlet that serves it (on the
 * class and on the {@code doXxx} method of the request's HTTP method), then the URL policies whose
 * pattern matches its path.
 *
 * <p>The servlet is found by name from the request's {@link HttpServletMapping}, its class through
 * the {@link ServletRegistration} and the context class loader. Limits are computed once per
 * servlet, HTTP method and set of matching URL policies, all of which configuration bounds, and
 * cached. A servlet class that the application's class loaders cannot load (a container's own
 * servlet) cannot carry the application's annotations and is treated as having none.
 */
final class Endpoints {

  /** The HTTP methods that {@link HttpServlet} dispatches to a {@code doXxx} method. */
  static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH");

  private static final String OTHER_METHOD = "";

  private record ServletMethod(String servlet, String method) {}

  /**
   * The limits a servlet's annotations declare for one HTTP method, and its {@link IdempotencyKey}
   * (null when it has none): kept beside them, since limits combined with URL policies are built
   * anew from the policies and must be given the idempotent retries again.
   */
  private record Annotated(EndpointLimits limits, @Nullable IdempotencyKey idempotency) {}

  /**
   * One servlet and HTTP method: its own limits, and its limits with each set of URL policies that
   * matched a request, keyed by the set as a {@code Long} mask (up to 64 policies) or a {@link
   * BitSet}; the last set seen is kept beside them, so a request to the same endpoint as the one
   * before looks up nothing and allocates nothing.
   */
  private static final class Endpoint {
    final Annotated own;
    final Map<Object, EndpointLimits> combined = new ConcurrentHashMap<>();
    volatile @Nullable Matched last;

    Endpoint(Annotated own) {
      this.own = own;
    }
  }

  private record Matched(long urlPolicies, EndpointLimits limits) {}

  private final RateLimiter limiter;
  private final ServletContext context;
  private final UrlPolicies urlPolicies;
  private final Map<ServletMethod, Annotated> annotated = new ConcurrentHashMap<>();

  /**
   * Each servlet's endpoints by {@link #methodIndex}, filled as requests come; servlet names come
   * from the container's registrations, never from a request.
   */
  private final Map<String, @Nullable Endpoint[]> servlets = new ConcurrentHashMap<>();

  Endpoints(RateLimiter limiter, ServletContext context, UrlPolicies urlPolicies) {
    this.limiter = limiter;
    this.context = context;
    this.urlPolicies = urlPolicies;
  }

  /**
   * Reads the annotations of every servlet registered now, so that an invalid one fails the
   * filter's start rather than a request.
   *
   * @throws IllegalArgumentException naming the class, method and attribute of an invalid one
   */
  void scan() {
    Map<String, ? extends ServletRegistration> registrations;
    try {
      registrations = context.getServletRegistrations();
    } catch (UnsupportedOperationException e) {
      return; // a context that does not tell: every servlet is read when first seen
    }
    for (String servlet : registrations.keySet()) {
      for (String method : METHODS) {
        annotated(new ServletMethod(servlet, method));
      }
      annotated(new ServletMethod(servlet, OTHER_METHOD));
    }
  }

  /**
   * Returns the limits of a request, empty when it has none.
   *
   * @throws IllegalArgumentException when the serving servlet's annotations are invalid, or a URL
   *     policy and an annotation give one endpoint two limits of one name
   */
  EndpointLimits limitsFor(HttpServletRequest request) {
    String method = request.getMethod();
    Endpoint endpoint = endpoint(servletName(request), methodIndex(method));
    Annotated own = endpoint.own;
    if (urlPolicies.isEmpty()) {
      return own.limits();
    }
    String path = path(request);
    if (urlPolicies.size() > Long.SIZE) {
      BitSet matching = urlPolicies.matching(path, method);
      return matching == null
          ? own.limits()
          : endpoint.combined.computeIfAbsent(matching, key -> combine(own, (BitSet) key));
    }
    long mask = urlPolicies.mask(path, method);
    if (mask == 0) {
      return own.limits();
    }
    Matched last = endpoint.last;
    if (last != null && last.urlPolicies() == mask) {
      return last.limits();
    }
    EndpointLimits limits =
        endpoint.combined.computeIfAbsent(
            mask, key -> combine(own, BitSet.valueOf(new long[] {(Long) key})));
    endpoint.last = new Matched(mask, limits);
    return limits;
  }

  private Endpoint endpoint(String servlet, int methodIndex) {
    @Nullable Endpoint[] endpoints = servlets.get(servlet);
    if (endpoints == null) {
      endpoints = servlets.computeIfAbsent(servlet, name -> new Endpoint[METHODS.size() + 1]);
    }
    Endpoint endpoint = endpoints[methodIndex];
    if (endpoint == null) {
      // two threads may both build it: equal, and either one serves (its fields are final)
      String method = methodIndex < METHODS.size() ? METHODS.get(methodIndex) : OTHER_METHOD;
      endpoint = new Endpoint(annotated(new ServletMethod(servlet, method)));
      endpoints[methodIndex] = endpoint;
    }
    return endpoint;
  }

  /** The index of {@code method} in {@link #METHODS}, or its size for any other method. */
  static int methodIndex(String method) {
    return switch (method) {
      case "GET" -> 0;
      case "HEAD" -> 1;
      case "POST" -> 2;
      case "PUT" -> 3;
      case "DELETE" -> 4;
      case "OPTIONS" -> 5;
      case "TRACE" -> 6;
      case "PATCH" -> 7;
      default -> METHODS.size();
    };
  }

  /**
   * The servlet's limits, then the matching URL policies', with the idempotent retries of the
   * servlet's {@code @IdempotencyKey}, or else of the first matching URL policy that declares them:
   * one endpoint has one idempotency key, which every one of its rate limits honours.
   */
  private EndpointLimits combine(Annotated own, BitSet matching) {
    List<RateLimitPolicy> policies = new ArrayList<>(own.limits().policies());
    policies.addAll(urlPolicies.policies(matching));
    EndpointLimits limits = limiter.limits(policies);
    IdempotencyKey annotation = own.idempotency();
    if (annotation != null) {
      // read and checked by limitsFor when the servlet's limits were built
      return limits.withIdempotency(
          RateLimitPolicy.parseWindow(annotation.window()), annotation.header());
    }
    UrlPolicies.Idempotency configured = urlPolicies.idempotency(matching);
    return configured == null
        ? limits
        : limits.withIdempotency(configured.window(), configured.header());
  }

  private Annotated annotated(ServletMethod endpoint) {
    Annotated limits = annotated.get(endpoint);
    return limits != null ? limits : annotated.computeIfAbsent(endpoint, this::read);
  }

  private Annotated read(ServletMethod endpoint) {
    Class<?> type = servletClass(endpoint.servlet());
    if (type == null) {
      return new Annotated(limiter.limits(List.of()), null);
    }
    Method handler = handler(type, endpoint.method());
    EndpointLimits limits = limiter.limitsFor(type, handler, Set.of()); // no path parameters
    IdempotencyKey idempotency =
        handler == null ? null : handler.getAnnotation(IdempotencyKey.class);
    if (idempotency == null) {
      idempotency = type.getAnnotation(IdempotencyKey.class); // the method's wins, as in limitsFor
    }
    return new Annotated(limits, idempotency);
  }

  private @Nullable Class<?> servletClass(String servlet) {
    if (servlet.isEmpty()) {
      return null;
    }
    ServletRegistration registration = context.getServletRegistration(servlet);
    String className = registration == null ? null : registration.getClassName();
    if (className == null || className.isEmpty()) {
      return null;
    }
    List<ClassLoader> loaders = new ArrayList<>(3);
    loaders.add(Thread.currentThread().getContextClassLoader());
    loaders.add(context.getClassLoader());
    loaders.add(Endpoints.class.getClassLoader());
    for (ClassLoader loader : loaders) {
      if (loader != null) {
        try {
          return Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
          // try the next loader
        }
      }
    }
    return null;
  }

  /**
   * The {@code doXxx} method that serves {@code method} on {@code type}, declared below {@link
   * HttpServlet}; for HEAD without its own {@code doHead}, {@code doGet}, which HttpServlet calls.
   */
  static @Nullable Method handler(Class<?> type, String method) {
    if (method.isEmpty()) {
      return null;
    }
    String name = "do" + method.charAt(0) + method.substring(1).toLowerCase(java.util.Locale.ROOT);
    Method handler = declared(type, name);
    return handler == null && method.equals("HEAD") ? declared(type, "doGet") : handler;
  }

  private static @Nullable Method declared(Class<?> type, String name) {
    for (Class<?> c = type;
        c != null && c != HttpServlet.class && c != Object.class;
        c = c.getSuperclass()) {
      try {
        return c.getDeclaredMethod(name, HttpServletRequest.class, HttpServletResponse.class);
      } catch (NoSuchMethodException e) {
        // look in the superclass
      }
    }
    return null;
  }

  private static String servletName(HttpServletRequest request) {
    HttpServletMapping mapping = request.getHttpServletMapping();
    String name = mapping == null ? null : mapping.getServletName();
    return name == null ? "" : name;
  }

  /** The path within the context, as servlet mappings see it. */
  static String path(HttpServletRequest request) {
    String servletPath = request.getServletPath();
    String pathInfo = request.getPathInfo();
    String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
    return path.isEmpty() ? "/" : path;
  }
}
