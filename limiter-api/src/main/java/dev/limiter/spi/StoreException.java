/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spi;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by a {@link RateLimitStore} that cannot decide: its backend did not answer within its time
 * budget, or failed, and its failure mode is to refuse requests. The engine turns it into a {@link
 * dev.limiter.StoreUnavailable} outcome, which adapters answer with {@code 503}.
 */
public class StoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** When the store expects to answer again. */
  private final Duration retryAfter;

  /**
   * Creates an exception that suggests retrying after one second.
   *
   * @param message what failed and what to check
   * @param cause the underlying failure, or null
   */
  public StoreException(String message, @Nullable Throwable cause) {
    this(message, cause, Duration.ofSeconds(1));
  }

  /**
   * Creates an exception.
   *
   * @param message what failed and what to check
   * @param cause the underlying failure, or null
   * @param retryAfter when the store expects to answer again, at least one millisecond
   */
  public StoreException(String message, @Nullable Throwable cause, Duration retryAfter) {
    super(message, cause);
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException("retryAfter must be at least 1 ms, was " + retryAfter);
    }
    this.retryAfter = retryAfter;
  }

  /**
   * Returns when the store expects to answer again.
   *
   * @return the suggested wait
   */
  public Duration retryAfter() {
    return retryAfter;
  }
}
