/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import dev.limiter.Admission;
import dev.limiter.EndpointLimits;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimiter;
import dev.limiter.http.HttpContract;
import dev.limiter.http.RateLimitResponse;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A servlet filter that enforces rate limits: the {@link dev.limiter.annotation.RateLimit}s of the
 * servlet that serves a request, and URL-pattern policies from the configuration.
 *
 * <p>Declared in {@code web.xml}, it builds its own {@link RateLimiter} from its init-params and
 * the usual configuration sources; {@code async-supported} lets asynchronous servlets behind it
 * work:
 *
 * <pre>{@code
 * <filter>
 *   <filter-name>rate-limit</filter-name>
 *   <filter-class>dev.limiter.servlet.RateLimitFilter</filter-class>
 *   <async-supported>true</async-supported>
 *   <init-param>
 *     <param-name>ratelimit.config</param-name>
 *     <param-value>/WEB-INF/ratelimit.properties</param-value>
 *   </init-param>
 *   <init-param>
 *     <param-name>ratelimit.headers</param-name>
 *     <param-value>both</param-value>
 *   </init-param>
 *   <init-param>
 *     <param-name>ratelimit.trusted-proxies</param-name>
 *     <param-value>10.0.0.0/8, 192.168.1.7</param-value>
 *   </init-param>
 * </filter>
 * <filter-mapping>
 *   <filter-name>rate-limit</filter-name>
 *   <url-pattern>/*</url-pattern>
 * </filter-mapping>
 * }</pre>
 *
 * <p>Added in code, it uses the limiter and HTTP contract it is given (and leaves the limiter open
 * when it is destroyed):
 *
 * <pre>{@code
 * public void contextInitialized(ServletContextEvent event) {
 *   RateLimiter limiter = RateLimiter.builder().store(CaffeineStore.ofDefaults()).build();
 *   FilterRegistration.Dynamic filter = event.getServletContext()
 *       .addFilter("rate-limit", new RateLimitFilter(limiter, HttpContract.from(limiter.config())));
 *   filter.setAsyncSupported(true);
 *   filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
 * }
 * }</pre>
 *
 * <h2>Init-params</h2>
 *
 * <p>Every init-param is a configuration key of {@link RateLimitConfig} and must be named {@code
 * ratelimit.*}; it is set with {@link RateLimitConfig.Builder#set}, so environment variables and
 * system properties still override it. The usual ones: {@code ratelimit.store} (which store module
 * to use when several are on the class path), {@code ratelimit.headers} ({@code x}, {@code ietf},
 * {@code draft6}, {@code both} or {@code none}), {@code ratelimit.trusted-proxies} (addresses and
 * CIDR ranges whose forwarding header is believed), {@code ratelimit.forwarded-header} (which one:
 * {@code X-Forwarded-For} by default, or {@code Forwarded}), {@code ratelimit.ipv6-prefix}, {@code
 * ratelimit.api-key-header}, and overrides such as {@code ratelimit.search.max}. {@code
 * ratelimit.config} names the properties file to read instead of {@code ratelimit.properties} on
 * the class path: a file-system path, looked for first, or a path inside the web application such
 * as {@code /WEB-INF/ratelimit.properties}, read through {@link ServletContext#getResourceAsStream}
 * so that a WAR the container does not unpack works too. A file found in neither place fails the
 * start, naming both. Like the other keys, a {@code ratelimit.config} system property or {@code
 * RATELIMIT_CONFIG} variable overrides it; that one names a file-system path. A filter given a
 * limiter takes no init-params.
 *
 * <h2>Which limits apply</h2>
 *
 * <p>A request is limited by the {@code @RateLimit}s and {@code @ConcurrencyLimit}s on the class of
 * the servlet that serves it, then those on the servlet's {@code doGet}, {@code doPost}, ... method
 * for the request's HTTP method ({@code doGet} for a HEAD when the servlet has no {@code doHead}),
 * then by every URL policy whose pattern matches its path. An {@code @IdempotencyKey} on the
 * servlet's class or method makes retries free, as it describes. Annotations of the servlets
 * registered when the filter starts are read then, and an invalid one fails the start naming the
 * class, method and attribute; servlets registered later are read on their first request.
 *
 * <h2>URL policies</h2>
 *
 * <p>Any path the filter sees can be limited from the configuration, without code. {@code
 * ratelimit.url.policies} lists the policy names; each has these keys:
 *
 * <pre>
 * ratelimit.url.policies=downloads, login, exports
 *
 * ratelimit.url.downloads.pattern=/files/*, *.pdf   (required) servlet URL patterns
 * ratelimit.url.downloads.window=1m                 (required) as in RateLimit.window()
 * ratelimit.url.downloads.max=100                   (required) units per window
 * ratelimit.url.downloads.key=apiKey|ip             (required) as in RateLimit.key()
 * ratelimit.url.downloads.cost=1                    (default 1)
 * ratelimit.url.downloads.algorithm=sliding_window  (default; or fixed_window, token_bucket)
 * ratelimit.url.downloads.methods=GET, HEAD         (default: every method)
 * ratelimit.url.downloads.count-on=!5xx             (default: every status) as RateLimit.countOn()
 * ratelimit.url.downloads.unless=apiKey|bearer      (default: none) as RateLimit.unless()
 * ratelimit.url.downloads.optional=false            (default false) as RateLimit.optional()
 * ratelimit.url.downloads.idempotency-window=24h    (default: none) as IdempotencyKey.window()
 * ratelimit.url.downloads.idempotency-header=Idempotency-Key  (the default) IdempotencyKey.header()
 *
 * ratelimit.url.exports.kind=concurrency            (default rate) requests in flight at once
 * ratelimit.url.exports.pattern=/export/*           (required)
 * ratelimit.url.exports.max=2                       (required) requests in flight per key
 * ratelimit.url.exports.key=apiKey                  (required)
 * ratelimit.url.exports.lease=30s                   (default 30s) as ConcurrencyLimit.lease()
 * </pre>
 *
 * <p>A policy of {@code .kind=concurrency} is a {@link dev.limiter.annotation.ConcurrencyLimit}: it
 * takes {@code .pattern}, {@code .max}, {@code .key}, {@code .lease}, {@code .unless}, {@code
 * .optional}, {@code .methods} and the idempotency keys, and has no {@code .window}, {@code .cost},
 * {@code .algorithm} or {@code .count-on}, which fail the start when set. A policy of the default
 * kind has no {@code .lease}. {@code .idempotency-window} turns idempotent retries on; {@code
 * .idempotency-header} alone fails the start. One endpoint has one idempotency key, which all its
 * limits honour: the servlet's {@code @IdempotencyKey} if it has one, else that of the first of its
 * matching URL policies, in the order of {@code ratelimit.url.policies}, that declares one.
 *
 * <p>Patterns are matched against the path within the context (servlet path and path info), as
 * servlet mappings are: {@code /status} exactly that path, {@code /files/*} {@code /files} and
 * everything below it, {@code *.pdf} any path whose last segment ends in {@code .pdf}, and {@code
 * /*} every path. The policy name is the counter's name, as with annotations, and {@code
 * ratelimit.<name>.max}, {@code .window} and {@code .exempt.*} apply to it like to any other. Every
 * listed policy is checked when the filter starts; a wrong value fails the start with a message
 * that names its key and value. The names are listed, rather than found, so that the environment
 * ({@code RATELIMIT_URL_POLICIES}) can declare them too.
 *
 * <h2>Responses</h2>
 *
 * <p>Headers and rejections follow {@link HttpContract}. On an admitted request the rate-limit
 * headers are set before the rest of the chain runs, so they are there however the servlet writes
 * its response, asynchronously included; a request that no limit applied to (an exempt caller, a
 * limit turned off by {@code unless} or skipped as {@code optional}) gets none. A rejected request
 * gets the contract's status, headers and body and goes no further down the chain. If an earlier
 * filter already committed the response, a rejection writes nothing. The filter decides each
 * request once: later dispatches of the same request (forward, include, async, error) pass through,
 * as does a request that already carries an admission of this library (in {@value
 * Admission#ATTRIBUTE}, say from a Spring MVC interceptor before a forward), so that it counts
 * once.
 *
 * <h2>Completion and the admission</h2>
 *
 * <p>An admitted request's {@link Admission} is in the request attribute {@value
 * Admission#ATTRIBUTE} ({@link #admission(ServletRequest)} reads it) and, on the thread that runs
 * the rest of the chain, in {@link Admission#current()}, so that the servlet can {@linkplain
 * Admission#refund() refund} the request or {@linkplain Admission#charge(String, long) charge} it
 * more; asynchronous code reads the attribute, or keeps the admission it took. A request that no
 * limit applied to has one as well, which holds nothing. The filter {@linkplain
 * Admission#complete(int) completes} it exactly once, when the response is complete, which gives
 * back the slots of limits on requests in flight and the units of limits whose {@code countOn} the
 * status does not match:
 *
 * <ul>
 *   <li>the chain returns: with the response's status ({@code sendError} included);
 *   <li>the chain throws: with {@code 500}, which the container answers then, or, when the response
 *       was committed before, with its status, which the client has already (so that a client that
 *       goes away in the middle of a response cannot turn a counted status into an uncounted one);
 *       the exception is rethrown. A client that went away makes the servlet's next write throw, so
 *       a synchronous servlet that writes ends here, or in the case above when it catches that;
 *   <li>the request went asynchronous ({@code request.isAsyncStarted()} after the chain returns):
 *       when its {@code AsyncContext} completes, with the status of the response the filter passed
 *       down the chain (what the client gets; a wrapper the application puts around it delegates
 *       its status to it); or at a timeout or an error, whichever comes first, completed there and
 *       then rather than at the completion that follows, since a slot of a request not completed is
 *       renewed for as long as it runs. The status then is the response's when it is committed,
 *       else an error status the application set (its own listener answering the timeout runs
 *       before the filter's), else {@code 500}, what the container answers for a timeout or error
 *       that nobody handled. An {@code AsyncContext.dispatch} and a new {@code startAsync} after it
 *       are followed to the end of the last cycle. A client that goes away during an asynchronous
 *       response ends it through an error, through the application's {@code complete()} after its
 *       write failed, or at the timeout.
 * </ul>
 */
public final class RateLimitFilter implements Filter {

  private static final String DECIDED = RateLimitFilter.class.getName() + ".decided";

  private final boolean ownsLimiter;
  // written by init, read by every request thread
  private volatile @Nullable RateLimiter limiter;
  private volatile @Nullable HttpContract contract;
  private volatile @Nullable Endpoints endpoints;

  /**
   * Creates a filter that builds its limiter from its init-params and the configuration sources
   * when the container initializes it; the form {@code web.xml} uses.
   */
  public RateLimitFilter() {
    this.ownsLimiter = true;
  }

  /**
   * Creates a filter that decides with {@code limiter} and answers with {@code contract}, for
   * {@link ServletContext#addFilter(String, Filter)}. URL policies are read from the limiter's
   * configuration. The filter does not close the limiter.
   *
   * @param limiter the limiter
   * @param contract the HTTP mapping of decisions, such as {@code
   *     HttpContract.from(limiter.config())}
   */
  public RateLimitFilter(RateLimiter limiter, HttpContract contract) {
    this.ownsLimiter = false;
    this.limiter = Objects.requireNonNull(limiter, "limiter");
    this.contract = Objects.requireNonNull(contract, "contract");
  }

  /**
   * Builds the limiter from the init-params (when none was given), reads the URL policies and the
   * annotations of the servlets registered now.
   *
   * @param filterConfig the container's filter configuration
   * @throws ServletException naming the init-param, configuration key, or class, method and
   *     attribute when one is invalid, or when no store can be chosen
   */
  @Override
  public void init(FilterConfig filterConfig) throws ServletException {
    Objects.requireNonNull(filterConfig, "filterConfig");
    ServletContext context = filterConfig.getServletContext();
    RateLimiter built = null;
    try {
      Map<String, String> params = initParams(filterConfig);
      if (ownsLimiter) {
        RateLimitConfig config = config(params, context, filterConfig.getFilterName());
        built = RateLimiter.builder().config(config).build();
        contract = HttpContract.from(config);
        limiter = built;
      } else if (!params.isEmpty()) {
        throw new IllegalArgumentException(
            "init-params "
                + params.keySet()
                + " are set, but this filter was given a RateLimiter;"
                + " configure the limiter instead, or declare the filter without one");
      }
      RateLimiter active = Objects.requireNonNull(limiter, "limiter");
      Endpoints found = new Endpoints(active, context, UrlPolicies.from(active));
      found.scan();
      endpoints = found;
    } catch (RuntimeException e) {
      if (built != null) {
        built.close();
        limiter = null;
      }
      throw new ServletException(
          String.format(
              Locale.ROOT,
              "RateLimitFilter \"%s\" cannot start: %s",
              filterConfig.getFilterName(),
              e.getMessage()),
          e);
    }
  }

  /**
   * Decides the request: passes it on with the rate-limit headers set, or answers it with the
   * rejection and stops the chain. A request passed on is {@linkplain Admission#complete(int)
   * completed} once its response is: when the chain returns, or, when the request went
   * asynchronous, when its {@link AsyncContext} completes, times out or fails.
   *
   * @param request the request
   * @param response the response
   * @param chain the rest of the chain
   * @throws ServletException when the serving servlet, registered after the filter started, has an
   *     invalid annotation, or when the filter was not initialized
   * @throws IOException when writing the rejection fails, or from the chain
   */
  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest http)
        || !(response instanceof HttpServletResponse httpResponse)) {
      chain.doFilter(request, response);
      return;
    }
    if (request.getAttribute(Admission.ATTRIBUTE) != null
        || request.getAttribute(DECIDED) != null) {
      passOnDecided(http, response, chain);
      return;
    }
    Endpoints found = endpoints;
    RateLimiter active = limiter;
    HttpContract answers = contract;
    if (found == null || active == null || answers == null) {
      throw new ServletException(
          "RateLimitFilter was not initialized: the container must call init");
    }
    // one attribute marks a request decided, so a later dispatch passes on: the admission of an
    // admitted one, which the filter keeps anyway, else this marker (an attribute costs a map)
    EndpointLimits limits;
    try {
      limits = found.limitsFor(http);
    } catch (IllegalArgumentException e) {
      request.setAttribute(DECIDED, true); // the error page's dispatch is not decided again
      throw new ServletException("RateLimitFilter: " + e.getMessage(), e);
    }
    if (limits.isEmpty()) {
      request.setAttribute(DECIDED, true);
      chain.doFilter(request, response);
      return;
    }
    Admission admission = active.admit(limits, new ServletRequestView(http));
    RateLimitResponse answer =
        answers.respond(admission.outcome(), http.getHeader("Origin") != null);
    if (!answer.proceed()) {
      admission.complete(answer.status()); // a refused request holds nothing: this changes nothing
      request.setAttribute(DECIDED, true);
      reject(httpResponse, answer);
      return;
    }
    answer.applyHeaders(httpResponse::setHeader, httpResponse::addHeader);
    request.setAttribute(Admission.ATTRIBUTE, admission);
    run(http, httpResponse, chain, admission);
  }

  /**
   * Runs the rest of the chain with {@code admission} current, and completes it when the response
   * is complete: now when the chain returned or threw, later when the request went asynchronous.
   */
  private static void run(
      HttpServletRequest request,
      HttpServletResponse response,
      FilterChain chain,
      Admission admission)
      throws IOException, ServletException {
    Admission previous = Admission.current().orElse(null);
    Admission.setCurrent(admission);
    boolean async;
    try {
      chain.doFilter(request, response);
      async = request.isAsyncStarted();
    } catch (IOException | ServletException | RuntimeException | Error e) {
      // a client that went away makes the chain throw too; the status is the container's 500
      // unless the response was committed before, in which case the client has its status
      admission.complete(AsyncCompletion.failedStatus(response, false));
      throw e;
    } finally {
      Admission.setCurrent(previous);
    }
    if (!async || !AsyncCompletion.listen(request, response, admission)) {
      admission.complete(response.getStatus());
    }
  }

  /**
   * Passes on a later dispatch of a request decided already (forward, include, async, error), with
   * its admission current, so that a servlet reached by {@code AsyncContext.dispatch} sees it too.
   */
  private static void passOnDecided(
      HttpServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    Admission admission = admission(request).orElse(null);
    if (admission == null || Admission.current().isPresent()) {
      chain.doFilter(request, response);
      return;
    }
    Admission.setCurrent(admission);
    try {
      chain.doFilter(request, response);
    } finally {
      Admission.setCurrent(null);
    }
  }

  /**
   * Returns the admission of a request that this filter let through: what application code uses to
   * {@linkplain Admission#refund() refund} or {@linkplain Admission#charge(String, long) charge}
   * the request, from any thread, for as long as it holds the request. The filter keeps it in the
   * request attribute {@value Admission#ATTRIBUTE}; on the thread that runs the servlet, {@link
   * Admission#current()} returns the same admission.
   *
   * <pre>{@code
   * RateLimitFilter.admission(request).ifPresent(Admission::refund); // this one is on the house
   * }</pre>
   *
   * @param request the request
   * @return the admission, or empty when the filter did not limit the request (no limit applies to
   *     it, or no filter saw it)
   */
  public static Optional<Admission> admission(ServletRequest request) {
    Objects.requireNonNull(request, "request");
    return request.getAttribute(Admission.ATTRIBUTE) instanceof Admission admission
        ? Optional.of(admission)
        : Optional.empty();
  }

  /** Closes the limiter if this filter built it. */
  @Override
  public void destroy() {
    RateLimiter built = limiter;
    if (ownsLimiter && built != null) {
      limiter = null;
      built.close();
    }
  }

  private static void reject(HttpServletResponse response, RateLimitResponse answer)
      throws IOException {
    if (response.isCommitted()) {
      return; // an earlier filter already answered; the chain stays stopped
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
      response.getWriter().write(body); // an earlier filter took the writer
      return;
    }
    response.setContentLength(bytes.length);
    out.write(bytes);
  }

  private static Map<String, String> initParams(FilterConfig filterConfig) {
    Map<String, String> params = new TreeMap<>();
    for (String name : Collections.list(filterConfig.getInitParameterNames())) {
      if (!name.startsWith("ratelimit.")) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "init-param %s is not understood; RateLimitFilter takes configuration keys named"
                    + " ratelimit.*, such as ratelimit.config, ratelimit.store, ratelimit.headers"
                    + " and ratelimit.trusted-proxies",
                name));
      }
      params.put(name, filterConfig.getInitParameter(name));
    }
    return params;
  }

  private static RateLimitConfig config(
      Map<String, String> params, ServletContext context, String filterName) {
    RateLimitConfig.Builder builder =
        RateLimitConfig.builder().valuesFrom("init-param of filter " + filterName);
    for (Map.Entry<String, String> param : params.entrySet()) {
      String value = param.getValue() == null ? "" : param.getValue();
      if (param.getKey().equals("ratelimit.config")) {
        if (System.getProperty("ratelimit.config") == null
            && System.getenv("RATELIMIT_CONFIG") == null) {
          readConfigFile(builder, value.strip(), context); // else the builder reads the one named
        }
      } else {
        builder.set(param.getKey(), value);
      }
    }
    return builder.build();
  }

  /**
   * Reads the file that the init-param {@code ratelimit.config} names: a file on the file system,
   * or else a resource of the web application, read through the servlet context so that a packed
   * WAR, which has no real path, works too.
   */
  private static void readConfigFile(
      RateLimitConfig.Builder builder, String value, ServletContext context) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException(
          "init-param ratelimit.config is empty; name a properties file, such as"
              + " /WEB-INF/ratelimit.properties in the web application");
    }
    Path path = fileSystemPath(value);
    if (path != null && Files.isRegularFile(path)) {
      builder.file(path);
      return;
    }
    String onFileSystem = path == null ? "no such path" : path.toAbsolutePath().toString();
    if (!value.startsWith("/")) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "init-param ratelimit.config=\"%s\" names no file: there is none at %s on the file"
                  + " system; a file inside the web application is named from its root, such as"
                  + " /WEB-INF/ratelimit.properties",
              value,
              onFileSystem));
    }
    URL url;
    try {
      url = context.getResource(value);
    } catch (MalformedURLException e) {
      url = null;
    }
    InputStream in = url == null ? null : context.getResourceAsStream(value);
    if (in == null) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "init-param ratelimit.config=\"%s\" names no file: the web application has no"
                  + " file %s (in a WAR, the entry %s), and there is none at %s on the file"
                  + " system; add the file, or correct the init-param",
              value,
              value,
              value.substring(1),
              onFileSystem));
    }
    try (in) {
      builder.properties(in, value + " in the web application (" + url + ")");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + value, e);
    }
  }

  private static @Nullable Path fileSystemPath(String value) {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      return null;
    }
  }
}
