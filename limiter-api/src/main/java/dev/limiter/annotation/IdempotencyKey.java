/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Retries that repeat an idempotency key are not charged again: on an endpoint with this
 * annotation, a request whose {@link #header()} repeats a value that an earlier admitted request
 * carried, under the same key of the endpoint's first limit and within {@link #window()}, is
 * admitted without taking units from its rate limits (its limits on requests in flight still
 * apply), up to {@link #maxRetries()} times.
 *
 * <pre>{@code
 * @POST
 * @IdempotencyKey(window = "24h")
 * @RateLimit(name = "messages", window = "1m", max = 60, key = "apiKey")
 * public Response send(Message message) { ... }
 * }</pre>
 *
 * <p>Only admitted requests are remembered: a request answered {@code 429} leaves nothing behind,
 * so its retry is charged as a new request, and a value no admitted request carried never admits
 * anything. The values are remembered in the limiter's store (each one as a small entry under the
 * policy's key, so what they cost is bounded by the store's size and by the limit itself; each is
 * remembered for at least the window after the request or free retry that last brought it, and at
 * most a tenth longer), across a cluster when the store is shared.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface IdempotencyKey {

  /**
   * How long an idempotency key is remembered after the request that brought it, in the form of
   * {@link RateLimit#window()}.
   *
   * @return the window
   */
  String window() default "24h";

  /**
   * The request header that carries the idempotency key.
   *
   * @return the header name
   */
  String header() default "Idempotency-Key";

  /**
   * Free retries of one idempotency key within {@link #window()}, from 1 to 1,000: past them, a
   * repeat is charged like a new request, so that one key cannot carry unlimited work past the
   * limits of an application that does not de-duplicate.
   *
   * @return the free retries
   */
  int maxRetries() default 10;
}
