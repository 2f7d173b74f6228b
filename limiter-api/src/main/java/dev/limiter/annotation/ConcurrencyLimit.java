/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a limit on requests in flight on a resource method, a servlet, or a whole class.
 *
 * <pre>{@code
 * @POST
 * @ConcurrencyLimit(name = "runs", max = 2, key = "apiKey")
 * @RateLimit(name = "runs-hourly", window = "60m", max = 100, key = "apiKey")
 * public Run start() { ... }
 * }</pre>
 *
 * <p>A request takes a slot when it is admitted and gives it back exactly once when its response
 * completes, however it completes: a return, an exception, an error status, the end of an
 * asynchronous response, a timeout, a client that went away. A request over the limit is answered
 * {@code 429} at once, never queued, with {@code Retry-After: 1}. Per-key limits come from the
 * {@link dev.limiter.LimitResolver}, overrides from {@code ratelimit.<name>.max}, as for {@link
 * RateLimit}, and a request must be admitted by every limit of its endpoint, of either kind, or it
 * takes nothing from any.
 *
 * <p>Across a cluster the slots are leases in the shared store: a member that stops with requests
 * in flight gives their slots back after at most {@link #lease()} and a fiftieth of it, and a
 * member renews the leases of its requests still running every second, so a long request keeps its
 * slot.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
@Repeatable(ConcurrencyLimits.class)
public @interface ConcurrencyLimit {

  /**
   * The limit's name, as {@link RateLimit#name()}; it must differ from the names of rate limits.
   *
   * @return the policy name
   */
  String name() default "";

  /**
   * Requests in flight at once per key, at least 1.
   *
   * @return the limit
   */
  int max();

  /**
   * Whose requests share the slots, as {@link RateLimit#key()}.
   *
   * @return the key expression
   */
  String key();

  /**
   * How long a slot is held without renewal: after a member stops without completing its requests,
   * their slots come back within this and a tenth of it. From {@code 3s}; a member renews its own
   * leases every second, so this is not a limit on how long a request may run.
   *
   * @return the lease, in the form of {@link RateLimit#window()}
   */
  String lease() default "30s";

  /**
   * As {@link RateLimit#unless()}.
   *
   * @return the key expression, or empty when the limit always applies
   */
  String unless() default "";

  /**
   * As {@link RateLimit#optional()}.
   *
   * @return whether the limit applies only when its key resolves
   */
  boolean optional() default false;
}
