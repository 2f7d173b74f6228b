/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.annotation;

import dev.limiter.Algorithm;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a rate limit on a resource method, a servlet, or a whole class.
 *
 * <pre>{@code
 * @GET
 * @RateLimit(name = "search-burst", window = "1s", max = 2,   key = "apiKey")
 * @RateLimit(name = "search",       window = "1m", max = 120, key = "apiKey")
 * public List<Hit> search(@QueryParam("q") String q) { ... }
 * }</pre>
 *
 * <p>Repeatable: every limit on a request must admit it, and a request that one limit rejects
 * consumes nothing from the others. Limits on a class apply to each of its methods in addition to
 * the method's own. Limits that share a {@link #name()} share one counter per key, wherever they
 * are declared; their settings must then be the same.
 *
 * <p>Values are checked when the application starts: an invalid window, a {@code max} below 1, a
 * {@code cost} above {@code max} or an unknown key part fails deployment with a message naming the
 * class, the method and the attribute.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
@Repeatable(RateLimits.class)
public @interface RateLimit {

  /**
   * The policy's name: its counter's identity, the name in headers and problem bodies, and the key
   * for overrides ({@code ratelimit.<name>.max}). Letters, digits and {@code . _ - # $}. Defaults
   * to {@code SimpleClassName#method} on a method and {@code SimpleClassName} on a class.
   *
   * @return the policy name
   */
  String name() default "";

  /**
   * The window: a whole number followed by {@code ms}, {@code s}, {@code m}, {@code h} or {@code
   * d}, such as {@code "250ms"}, {@code "1s"}, {@code "90s"}, {@code "60m"}, {@code "24h"}, {@code
   * "1d"}.
   *
   * @return the window
   */
  String window();

  /**
   * Units admitted per window, at least 1.
   *
   * @return the limit
   */
  int max();

  /**
   * Whose requests share a counter: {@code ip}, {@code apiKey}, {@code principal}, {@code
   * header:NAME}, {@code query:NAME}, {@code path:NAME} or {@code global}; {@code a+b} combines
   * parts into one key (per sender and recipient), {@code a|b} takes the first part present (per
   * key when authenticated, else per IP). A request whose key cannot be resolved is answered with a
   * 4xx and never counted under a shared key.
   *
   * @return the key expression
   */
  String key();

  /**
   * Units one request takes, from 1 to {@link #max()}.
   *
   * @return the cost
   */
  int cost() default 1;

  /**
   * How units are counted over the window.
   *
   * @return the algorithm
   */
  Algorithm algorithm() default Algorithm.SLIDING_WINDOW;

  /**
   * Which responses count: empty for all; codes and classes such as {@code "401, 403"} or {@code
   * "2xx"}; {@code "!"} before a list for every status but those, such as {@code "!5xx"}. The units
   * are taken before the request runs, so that concurrent requests cannot all slip through, and
   * given back after the response when its status does not count: a limit of 5 failed logins
   * ({@code countOn = "401, 403"}) never admits more than 5 requests that end in 401 or 403 in a
   * window, and successful logins leave no trace.
   *
   * @return the statuses that count, as {@link dev.limiter.StatusSet#parse} reads them
   */
  String countOn() default "";

  /**
   * A key expression that, when it resolves, turns this limit off for the request: {@code key =
   * "ip", unless = "apiKey|bearer"} limits anonymous callers by address and leaves callers with a
   * key or a bearer token to the endpoint's other limits.
   *
   * @return the key expression, or empty when the limit always applies
   */
  String unless() default "";

  /**
   * Whether a request whose {@link #key()} does not resolve skips this limit instead of being
   * answered 400 or 401: {@code key = "apiKey|bearer", optional = true} limits callers that carry a
   * key and leaves the others to a limit such as the one {@link #unless()} describes.
   *
   * @return whether the limit applies only when its key resolves
   */
  boolean optional() default false;
}
