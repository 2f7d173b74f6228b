/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The engine's answer for a request that carried its keys: admitted or not, and where each of its
 * limits stands.
 *
 * <p>The {@link #reported()} limit is the one headers describe: on a rejection the rejecting limit
 * with the longest wait (so {@code Retry-After} is never too early), otherwise the limit closest to
 * rejecting (fewest units left; on a tie, the one whose units come back last).
 *
 * @param allowed whether every limit admitted the request; if not, it consumed nothing
 * @param reported the limit the single-limit headers describe
 * @param limits every limit of the request, in declaration order
 * @param epochNanos the store's time of the decision, nanoseconds since the epoch
 */
public record Decision(
    boolean allowed, LimitStatus reported, List<LimitStatus> limits, long epochNanos)
    implements Outcome {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  /**
   * Validates the components and copies the list.
   *
   * @param allowed whether every limit admitted the request; if not, it consumed nothing
   * @param reported the limit the single-limit headers describe
   * @param limits every limit of the request, in declaration order
   * @param epochNanos the store's time of the decision, nanoseconds since the epoch
   */
  public Decision {
    Objects.requireNonNull(reported, "reported");
    limits = List.copyOf(limits);
    if (limits.isEmpty()) {
      throw new IllegalArgumentException("a decision covers at least one limit");
    }
  }

  /**
   * Picks the reported limit from {@code limits} as the class description says.
   *
   * @param allowed whether the request was admitted
   * @param limits every limit of the request
   * @param epochNanos the store's time of the decision
   * @return the decision
   */
  public static Decision of(boolean allowed, List<LimitStatus> limits, long epochNanos) {
    LimitStatus reported = null;
    for (LimitStatus status : limits) {
      if (reported == null) {
        reported = status;
      } else if (!allowed) {
        boolean rejects = !status.allowed();
        if (rejects
            && (reported.allowed() || status.retryAfterNanos() > reported.retryAfterNanos())) {
          reported = status;
        }
      } else if (status.remaining() < reported.remaining()
          || (status.remaining() == reported.remaining()
              && status.resetAfterNanos() > reported.resetAfterNanos())) {
        reported = status;
      }
    }
    if (reported == null) {
      throw new IllegalArgumentException("a decision covers at least one limit");
    }
    return new Decision(allowed, reported, limits, epochNanos);
  }

  /**
   * Returns the reported limit's policy name.
   *
   * @return the policy name
   */
  public String policy() {
    return reported.policy();
  }

  /**
   * Returns the reported limit.
   *
   * @return units per window for this key
   */
  public long limit() {
    return reported.limit();
  }

  /**
   * Returns the units left under the reported limit.
   *
   * @return the remaining units
   */
  public long remaining() {
    return reported.remaining();
  }

  /**
   * Returns the time until the reported limit's quota is fully back.
   *
   * @return the time until reset
   */
  public Duration resetAfter() {
    return reported.resetAfter();
  }

  /**
   * Returns the time until the request would be admitted; zero when it was.
   *
   * @return the wait before retrying
   */
  public Duration retryAfter() {
    return reported.retryAfter();
  }

  /**
   * Returns the wait before retrying in whole seconds, exactly as the {@code Retry-After} field of
   * the rejection carries it: {@link #retryAfter()} rounded up, and at least 1, so that a client
   * that waits this long is never early. A {@link dev.limiter.http.RejectionHandler} that writes
   * the wait into its body takes it from here, and agrees with the header.
   *
   * @return the seconds to wait, at least 1 on a rejection; 0 when the request was admitted
   */
  public long retryAfterSeconds() {
    if (allowed) {
      return 0;
    }
    long nanos = reported.retryAfterNanos();
    long seconds = nanos / NANOS_PER_SECOND + (nanos % NANOS_PER_SECOND == 0 ? 0 : 1);
    return Math.max(1, seconds);
  }

  /**
   * Returns the names of the limits that rejected the request, in declaration order.
   *
   * @return the violated policies, empty when allowed
   */
  public List<String> violatedPolicies() {
    List<String> names = new ArrayList<>();
    for (LimitStatus status : limits) {
      if (!status.allowed()) {
        names.add(status.policy());
      }
    }
    return names;
  }
}
