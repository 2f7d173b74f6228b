/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.webmvc;

import dev.limiter.Admission;
import dev.limiter.EndpointLimits;
import dev.limiter.RateLimiter;
import dev.limiter.annotation.ConcurrencyLimit;
import dev.limiter.annotation.IdempotencyKey;
import dev.limiter.annotation.RateLimit;
import dev.limiter.http.HttpContract;
import dev.limiter.http.RateLimitResponse;
import jakarta.servlet.DispatcherType;
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
import org.springframework.web.context.request.async.WebAsyncUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.AsyncHandlerInterceptor;
import org.springframework.web.servlet.handler.AbstractHandlerMethodMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;

/**
 * Enforces {@link RateLimit}, {@link ConcurrencyLimit} and {@link IdempotencyKey} on Spring MVC
 * handler methods: the limits on a {@code @Controller} or {@code @RestController} class apply to
 * each of its handler methods, in addition to the method's own, as the JAX-RS feature and the
 * servlet filter apply them.
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
 *       are left alone and get no rate-limit header fields. A request that no limit applies to (an
 *       exempt caller, an {@code unless} that resolves, an {@code optional} key that does not) gets
 *       none either, and takes nothing.
 * </ul>
 *
 * <p>An admitted request holds its {@link Admission} until its response ends, and the interceptor
 * completes it then, exactly once, with the response's status: that gives back its slots of {@code
 * ConcurrencyLimit}s and the units of limits whose {@code countOn} the status does not match.
 *
 * <ul>
 *   <li>While the handler runs, {@link Admission#current()} is the request's admission (also the
 *       request attribute {@value Admission#ATTRIBUTE}), for code that refunds or charges once the
 *       real cost is known. It is current as well on the thread that runs a {@code Callable} or a
 *       {@code WebAsyncTask} the handler returned, and during the asynchronous dispatch that writes
 *       an asynchronous result; code that completes a {@code DeferredResult} or {@code
 *       CompletableFuture} on a thread of its own keeps the reference the handler took. It is
 *       cleared when the dispatch (or the {@code Callable}) ends.
 *   <li>A handler that returns, or whose exception Spring's exception handling resolves
 *       ({@code @ExceptionHandler}, {@code ResponseStatusException}), completes with the response's
 *       status once Spring has answered (written the body or view, or sent the error). An exception
 *       that escapes it completes with 500, which the container then answers, unless the response
 *       was committed already: then with the status the client received.
 *   <li>A handler that goes asynchronous ({@code Callable}, {@code DeferredResult}, {@code
 *       CompletableFuture}, {@code WebAsyncTask}, {@code ResponseBodyEmitter}, {@code
 *       StreamingResponseBody}) completes when the asynchronous dispatch that writes its result
 *       ends, including Spring's answer to a timeout; when the container ends the asynchronous
 *       cycle without one, on its {@code onComplete}; and on its {@code onError} (a client that
 *       went away), with 500 unless the response was committed.
 * </ul>
 *
 * <p>A request is decided once: a later dispatch of it (the asynchronous dispatch of a {@code
 * Callable} or {@code DeferredResult}, a forward, an error page) passes without taking anything.
 * Limits apply inside the {@code DispatcherServlet}: a response that a filter before it writes
 * (Spring Security's 401, for one) never reaches the interceptor and is not counted. The
 * interceptor does not close the limiter; close it with the context, as {@code destroyMethod =
 * "close"} does above, which also stops the limiter's thread that renews the leases of requests in
 * flight.
 *
 * <p>Thread-safe.
 */
public final class RateLimitInterceptor
    implements AsyncHandlerInterceptor, ApplicationContextAware, SmartInitializingSingleton {

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
   * set on the response and its {@link Admission} {@linkplain Admission#current() current} for the
   * handler, or answers it with the refusal. A later dispatch of the same request passes; an
   * asynchronous one makes the admission current again for the handling of the result.
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
    if (!(handler instanceof HandlerMethod method)) {
      return true;
    }
    Object decided = request.getAttribute(DECIDED);
    if (decided != null) {
      if (decided instanceof Passage passage
          && request.getDispatcherType() == DispatcherType.ASYNC) {
        Admission.setCurrent(passage.admission());
      }
      return true;
    }
    EndpointLimits limits = limitsFor(method);
    if (limits.isEmpty()) {
      return true;
    }
    request.setAttribute(DECIDED, true); // decided once, even if deciding fails
    Admission admission = limiter.admit(limits, new SpringRequestView(request));
    RateLimitResponse answer =
        contract.respond(admission.outcome(), request.getHeader("Origin") != null);
    if (!answer.proceed()) {
      admission.complete(answer.status()); // a refusal holds nothing; this keeps it so
      reject(response, answer);
      return false;
    }
    Passage passage = new Passage(admission, handler, request.getDispatcherType(), response);
    request.setAttribute(DECIDED, passage);
    request.setAttribute(Admission.ATTRIBUTE, admission);
    WebAsyncUtils.getAsyncManager(request).registerCallableInterceptor(DECIDED, passage);
    answer.applyHeaders(response::setHeader, response::addHeader);
    Admission.setCurrent(admission);
    return true;
  }

  /**
   * Completes the admission of a request whose response ends with this dispatch, with the
   * response's status, or 500 when {@code ex} escaped Spring's exception handling before the
   * response was committed (the container then answers 500, whatever status was set); and clears
   * {@link Admission#current()}. A dispatch whose handler went asynchronous does not end the
   * response: its asynchronous dispatch does, or the container's completion of it.
   *
   * @param request the request
   * @param response the response
   * @param handler the handler of this dispatch
   * @param ex the exception that Spring's exception handling did not resolve, or null
   */
  @Override
  public void afterCompletion(
      HttpServletRequest request,
      HttpServletResponse response,
      Object handler,
      @Nullable Exception ex) {
    if (request.getAttribute(DECIDED) instanceof Passage passage
        && passage.endsWith(request, handler)) {
      Admission.setCurrent(null);
      passage.admission().complete(Passage.status(response, ex));
    }
  }

  /**
   * Clears {@link Admission#current()} on the request thread when the handler went asynchronous
   * ({@code Callable}, {@code DeferredResult}, {@code CompletableFuture}, {@code WebAsyncTask},
   * {@code ResponseBodyEmitter}, {@code StreamingResponseBody}), and listens to the request's
   * asynchronous cycle so that its admission completes when the response ends.
   *
   * @param request the request
   * @param response the response
   * @param handler the handler of this dispatch
   */
  @Override
  public void afterConcurrentHandlingStarted(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (request.getAttribute(DECIDED) instanceof Passage passage) {
      Admission.setCurrent(null);
      passage.wentAsynchronous(request);
    }
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
