/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import java.time.Duration;
import java.util.Objects;

/**
 * Where one limit stands for one request after the decision.
 *
 * @param policy the policy name
 * @param limit the limit applied to this key (the policy's {@code max}, or what the {@link
 *     LimitResolver} gave for the key)
 * @param windowNanos the policy's window in nanoseconds
 * @param remaining units left, from 0 to {@code limit}; above 0 on a rejection when the request
 *     costs more than what is left
 * @param resetAfterNanos nanoseconds until every used unit is back
 * @param retryAfterNanos when this limit rejected the request, nanoseconds until it would admit it;
 *     0 otherwise
 * @param allowed whether this limit admitted the request
 * @param kind what the limit counts; for {@link LimitKind#CONCURRENCY} the window is the lease, the
 *     units are requests in flight, and the times are {@link #CONCURRENCY_RETRY_NANOS} when no slot
 *     is free, 0 otherwise
 */
public record LimitStatus(
    String policy,
    long limit,
    long windowNanos,
    long remaining,
    long resetAfterNanos,
    long retryAfterNanos,
    boolean allowed,
    LimitKind kind) {

  /**
   * What a limit on requests in flight reports as its wait when no slot is free: one second, the
   * {@code Retry-After} of its 429 (when a slot comes back cannot be known; a client that waits a
   * second and retries does not queue on the server).
   */
  public static final long CONCURRENCY_RETRY_NANOS = 1_000_000_000L;

  /**
   * Validates the components.
   *
   * @param policy the policy name
   * @param limit the limit applied to this key (the policy's {@code max}, or what the {@link
   *     LimitResolver} gave for the key)
   * @param windowNanos the policy's window in nanoseconds
   * @param remaining units left, from 0 to {@code limit}; above 0 on a rejection when the request
   *     costs more than what is left
   * @param resetAfterNanos nanoseconds until every used unit is back
   * @param retryAfterNanos when this limit rejected the request, nanoseconds until it would admit
   *     it; 0 otherwise
   * @param allowed whether this limit admitted the request
   * @param kind what the limit counts
   */
  public LimitStatus {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(kind, "kind");
    if (remaining < 0 || remaining > limit) {
      throw new IllegalArgumentException(
          "remaining must be between 0 and " + limit + ", was " + remaining);
    }
    if (windowNanos <= 0 || resetAfterNanos < 0 || retryAfterNanos < 0) {
      throw new IllegalArgumentException("windowNanos must be positive and times not negative");
    }
  }

  /**
   * Creates the status of a rate limit ({@link LimitKind#RATE}).
   *
   * @param policy the policy name
   * @param limit the limit applied to this key
   * @param windowNanos the policy's window in nanoseconds
   * @param remaining units left, from 0 to {@code limit}
   * @param resetAfterNanos nanoseconds until every used unit is back
   * @param retryAfterNanos when this limit rejected the request, nanoseconds until it would admit
   *     it; 0 otherwise
   * @param allowed whether this limit admitted the request
   */
  public LimitStatus(
      String policy,
      long limit,
      long windowNanos,
      long remaining,
      long resetAfterNanos,
      long retryAfterNanos,
      boolean allowed) {
    this(
        policy,
        limit,
        windowNanos,
        remaining,
        resetAfterNanos,
        retryAfterNanos,
        allowed,
        LimitKind.RATE);
  }

  /**
   * Returns the window.
   *
   * @return the window
   */
  public Duration window() {
    return Duration.ofNanos(windowNanos);
  }

  /**
   * Returns the time until every used unit is back.
   *
   * @return the time until the quota is full
   */
  public Duration resetAfter() {
    return Duration.ofNanos(resetAfterNanos);
  }

  /**
   * Returns the time until this limit would admit the request, zero if it did.
   *
   * @return the wait
   */
  public Duration retryAfter() {
    return Duration.ofNanos(retryAfterNanos);
  }
}
