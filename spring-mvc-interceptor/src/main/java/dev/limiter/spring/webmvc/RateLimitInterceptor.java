/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.webmvc;

import dev.limiter.EndpointLimits;
import dev.limiter.Outcome;
import dev.limiter.RateLimiter;
import dev.limiter.annotation.RateLimit;
import dev.limiter.http.HttpContract;
import dev.limiter.http.RateLimitResponse;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.handler.AbstractHandlerMethodMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;

/**
 * Enforces {@link RateLimit} on Spring MVC handler methods: the limits on a {@code @Controller} or
 * {@code @RestController} class apply to each of its handler methods, in addition to the method's
 * own, as the JAX-RS feature and the servlet filter apply them.
 *
 * <p>With Spring Boot, {@code dev.limiter:limiter-spring-boot-starter} declares and registers it.
 * In a plain Spring MVC application, declare it as a bean in the context that holds the controllers
 * (the {@code DispatcherServlet}'s, where {@code @EnableWebMvc} is) and register that bean:
 *
 * <pre>{@code
 * @Configuration
 * @EnableWebMvc
 * public class WebConfig implements WebMvcConfigurer {
 *   @Bean(destroyMethod = "close")
 *   public RateLimiter rateLimiter() {
 *     return RateLimiter.builder().store(CaffeineStore.ofDefaults()).build();
 *   }
 *
 *   @Bean
 *   public RateLimitInterceptor rateLimitInterceptor() {
 *     return new RateLimitInterceptor(rateLimiter(), HttpContract.from(rateLimiter().config()));
 *   }
 *
 *   @Override
 *   public void addInterceptors(InterceptorRegistry registry) {
 *     registry.addInterceptor(rateLimitInterceptor()); // the bean: @Configuration proxies the call
 *   }
 * }
 * }</pre>
 *
 * <p>As a bean, once every singleton of the context exists, it reads the annotations of every
 * handler method of the context's handler mappings ({@code RequestMappingHandlerMapping} and any
 * other {@link AbstractHandlerMethodMapping}). An invalid annotation then fails the start of the
 * context with a message naming the class, the method and the attribute, and so does a {@code
 * path:NAME} key whose name one of the method's URL patterns does not bind as a URI template
 * variable ({@code {NAME}}, {@code {NAME:regex}} or {@code {*NAME}}; names are case-sensitive). A
 * handler method it did not read then (one registered later, or every one if the interceptor is not
 * a bean) is read on its first request, without the {@code path:} check; an invalid annotation then
 * fails that request.
 *
 * <p>On each request to a limited handler method, before the method runs:
 *
 * <ul>
 *   <li>{@code path:NAME} reads the URI template variables the handler mapping matched ({@link
 *       org.springframework.web.servlet.HandlerMapping#URI_TEMPLATE_VARIABLES_ATTRIBUTE}), {@code
 *       query:NAME} the query string (decoded here, never through {@code getParameter}, which would
 *       consume a form body), {@code header:NAME} and {@code apiKey} the header fields.
 *   <li>{@code principal} is the name of {@link HttpServletRequest#getUserPrincipal()}, which
 *       Spring Security's servlet API integration answers with the authenticated user; when that is
 *       null and Spring Security is on the class path, the name of an authenticated, non-anonymous
 *       {@code Authentication} in the {@code SecurityContextHolder}.
 *   <li>{@code ip} is {@link HttpServletRequest#getRemoteAddr()}, believed only as the socket peer:
 *       forwarding headers count only from the proxies in {@code ratelimit.trusted-proxies}, as
 *       with the servlet filter. (A container valve or filter that rewrites the remote address,
 *       such as Spring Boot's {@code server.forward-headers-strategy}, changes what it reports.)
 *   <li>An admitted request gets the {@link HttpContract}'s header fields on the response before
 *       the handler runs, so they are there however it answers. A request over a limit is answered
 *       with 429, one without its key with 400 or 401, one the store cannot decide with 503, with
 *       the contract's header fields and body, and the handler does not run. Requests to handlers
 *       without limits, and to handlers that are not methods (static resources, functional routes),
 *       are left alone and get no rate-limit header fields.
 * </ul>
 *
 * <p>A request is decided once: a later dispatch of it (the asynchronous dispatch of a {@code
 * Callable} or {@code DeferredResult}, a forward) passes. The interceptor does not close the
 * limiter; close it with the context, as {@code destroyMethod = "close"} does above.
 *
 * <p>Thread-safe.
 */
public final class RateLimitInterceptor
    implements HandlerInterceptor, ApplicationContextAware, SmartInitializingSingleton {

  private static final String DECIDED = RateLimitInterceptor.class.getName() + ".decided";

  private final RateLimiter limiter;
  private final HttpContract contract;
  private final Map<Handler, EndpointLimits> endpoints = new ConcurrentHashMap<>();
  private volatile @Nullable ApplicationContext context;

  /**
   * Creates an interceptor that decides with {@code limiter} and answers with {@code contract}.
   *
   * @param limiter the limiter, with its store, configuration and limit resolver
   * @param contract the HTTP mapping of decisions, such as {@code
   *     HttpContract.from(limiter.config())}
   * @throws NullPointerException if {@code limiter} or {@code contract} is null
   */
  public RateLimitInterceptor(RateLimiter limiter, HttpContract contract) {
    this.limiter = Objects.requireNonNull(limiter, "limiter");
    this.contract = Objects.requireNonNull(contract, "contract");
  }

  /**
   * Keeps the context whose handler mappings {@link #afterSingletonsInstantiated()} reads. Called
   * by Spring.
   *
   * @param applicationContext the context that holds this bean
   */
  @Override
  public void setApplicationContext(ApplicationContext applicationContext) {
    this.context = applicationContext;
  }

  /**
   * Reads the limits of every handler method of the context's handler method mappings (and its
   * parents'). Called by Spring once every singleton exists, so that an invalid annotation fails
   * the start of the context.
   *
   * @throws IllegalStateException naming the class, the method and the attribute when an annotation
   *     is invalid, when a {@code path:NAME} key names a variable that a URL pattern of the method
   *     does not bind, or naming both places when one policy name is declared twice with different
   *     settings
   */
  @Override
  public void afterSingletonsInstantiated() {
    ApplicationContext found = context;
    if (found == null) {
      return;
    }
    for (AbstractHandlerMethodMapping<?> mapping :
        BeanFactoryUtils.beansOfTypeIncludingAncestors(found, AbstractHandlerMethodMapping.class)
            .values()) {
      for (Map.Entry<?, HandlerMethod> entry : mapping.getHandlerMethods().entrySet()) {
        HandlerMethod method = entry.getValue();
        Set<String> variables =
            entry.getKey() instanceof RequestMappingInfo info
                ? UriVariables.boundByEvery(info.getPatternValues())
                : null;
        Handler handler = new Handler(method.getBeanType(), method.getMethod());
        try {
          endpoints.put(handler, limiter.limitsFor(handler.type(), handler.method(), variables));
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException(
              "RateLimitInterceptor cannot start: " + e.getMessage(), e);
        }
      }
    }
  }

  /**
   * Decides a request to a limited handler method: lets it go on with the rate-limit header fields
   * set on the response, or answers it with the refusal.
   *
   * @param request the request
   * @param response the response
   * @param handler the handler the mapping chose
   * @return true to run the handler; false when the request was answered here
   * @throws IOException when writing the refusal fails
   * @throws IllegalStateException when the handler method was not read at startup and its
   *     annotation is invalid
   */
  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
      throws IOException {
    if (!(handler instanceof HandlerMethod method) || request.getAttribute(DECIDED) != null) {
      return true;
    }
    EndpointLimits limits = limitsFor(method);
    if (limits.isEmpty()) {
      return true;
    }
    request.setAttribute(DECIDED, true);
    Outcome outcome = limiter.check(limits, new SpringRequestView(request));
    RateLimitResponse answer = contract.respond(outcome, request.getHeader("Origin") != null);
    if (answer.proceed()) {
      answer.applyHeaders(response::setHeader, response::addHeader);
      return true;
    }
    reject(response, answer);
    return false;
  }

  private EndpointLimits limitsFor(HandlerMethod method) {
    Handler handler = new Handler(method.getBeanType(), method.getMethod());
    EndpointLimits limits = endpoints.get(handler);
    if (limits != null) {
      return limits;
    }
    try {
      return endpoints.computeIfAbsent(handler, h -> limiter.limitsFor(h.type(), h.method(), null));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("RateLimitInterceptor: " + e.getMessage(), e);
    }
  }

  /** Writes the refusal as the servlet filter does, so that both send the same bytes. */
  private static void reject(HttpServletResponse response, RateLimitResponse answer)
      throws IOException {
    if (response.isCommitted()) {
      return; // a filter before the dispatcher already answered; the handler stays out
    }
    response.resetBuffer();
    response.setStatus(answer.status());
    answer.applyHeaders(response::setHeader, response::addHeader);
    String body = Objects.requireNonNull(answer.body(), "body");
    response.setContentType(answer.contentType());
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ServletOutputStream out;
    try {
      out = response.getOutputStream();
    } catch (IllegalStateException e) {
      response.getWriter().write(body); // a filter before the dispatcher took the writer
      return;
    }
    response.setContentLength(bytes.length);
    out.write(bytes);
  }

  /**
   * Returns a description of this interceptor for logs.
   *
   * @return the contract and the number of handler methods read
   */
  @Override
  public String toString() {
    return "RateLimitInterceptor[" + contract + ", handlers=" + endpoints.size() + "]";
  }

  /** A handler method of a controller class: a method inherited by two controllers is two. */
  private record Handler(Class<?> type, Method method) {}
}
