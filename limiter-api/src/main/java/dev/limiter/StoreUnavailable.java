/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import java.time.Duration;
import java.util.Objects;

/**
 * The store could not decide the request and its failure mode is to refuse it; adapters answer
 * {@code 503 Service Unavailable} with {@code Retry-After}. Nothing was counted.
 *
 * @param policy the limit whose store call failed
 * @param retryAfter when the store expects to answer again
 */
public record StoreUnavailable(String policy, Duration retryAfter) implements Outcome {

  /**
   * Validates the components.
   *
   * @param policy the limit whose store call failed
   * @param retryAfter when the store expects to answer again
   */
  public StoreUnavailable {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isNegative() || retryAfter.isZero()) {
      throw new IllegalArgumentException("retryAfter must be positive, was " + retryAfter);
    }
  }

  /**
   * Returns the wait before retrying in whole seconds, exactly as the {@code Retry-After} field of
   * the 503 carries it: {@link #retryAfter()} rounded up, at least 1. A {@link
   * dev.limiter.http.RejectionHandler} that writes the wait into its body takes it from here.
   *
   * @return the seconds to wait, at least 1
   */
  public long retryAfterSeconds() {
    long seconds = retryAfter.getSeconds();
    return retryAfter.getNano() == 0 || seconds == Long.MAX_VALUE ? seconds : seconds + 1;
  }
}
