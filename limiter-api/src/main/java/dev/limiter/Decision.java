/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The engine's answer for a request that carried its keys: admitted or not, and where each of its
 * limits stands.
 *
 * <p>The {@link #reported()} limit is the one headers describe: on a rejection the rejecting limit
 * with the longest wait (so {@code Retry-After} is never too early), otherwise the limit closest to
 * rejecting (fewest units left; on a tie, the one whose units come back last).
 *
 * <p>Limits that did not apply to the request (its caller is exempt, the {@link LimitResolver}
 * answered {@link LimitResolver#UNLIMITED}, the limit is {@code optional} or {@code unless} turned
 * it off) are not among {@link #limits()}; when none applied, the decision is {@link #exempt()}:
 * allowed, without limits and without a reported one, and the adapters add no header field.
 *
 * @param allowed whether every limit admitted the request; if not, it consumed nothing
 * @param reported the limit the single-limit headers describe; null only when {@link #exempt()}
 * @param limits every limit that applied to the request, in declaration order
 * @param epochNanos the store's time of the decision, nanoseconds since the epoch
 */
public record Decision(
    boolean allowed, @Nullable LimitStatus reported, List<LimitStatus> limits, long epochNanos)
    implements Outcome {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  /**
   * Validates the components and copies the list.
   *
   * @param allowed whether every limit admitted the request; if not, it consumed nothing
   * @param reported the limit the single-limit headers describe; null only when no limit applied
   * @param limits every limit that applied to the request, in declaration order
   * @param epochNanos the store's time of the decision, nanoseconds since the epoch
   */
  public Decision {
    limits = List.copyOf(limits);
    if (limits.isEmpty() != (reported == null) || (reported == null && !allowed)) {
      throw new IllegalArgumentException(
          "a decision reports one of its limits, or is allowed without any (exempt)");
    }
  }

  /**
   * Returns the decision for a request that no limit applied to: allowed, nothing counted.
   *
   * @param epochNanos when it was decided
   * @return an exempt decision
   */
  public static Decision exempt(long epochNanos) {
    return new Decision(true, null, List.of(), epochNanos);
  }

  /**
   * Returns whether no limit applied to the request, so that nothing was counted and no header
   * field describes it.
   *
   * @return true when {@link #limits()} is empty
   */
  public boolean exempt() {
    return reported == null;
  }

  private LimitStatus reportedLimit() {
    if (reported == null) {
      throw new IllegalStateException(
          "no limit applied to this request (it is exempt), so none is reported; check exempt()");
    }
    return reported;
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
      if (!allowed) {
        throw new IllegalArgumentException("a rejection covers at least one limit");
      }
      return exempt(epochNanos);
    }
    return new Decision(allowed, reported, limits, epochNanos);
  }

  /**
   * Returns the reported limit's policy name.
   *
   * @return the policy name
   */
  public String policy() {
    return reportedLimit().policy();
  }

  /**
   * Returns the reported limit.
   *
   * @return units per window for this key
   */
  public long limit() {
    return reportedLimit().limit();
  }

  /**
   * Returns the units left under the reported limit.
   *
   * @return the remaining units
   */
  public long remaining() {
    return reportedLimit().remaining();
  }

  /**
   * Returns the time until the reported limit's quota is fully back.
   *
   * @return the time until reset
   */
  public Duration resetAfter() {
    return reportedLimit().resetAfter();
  }

  /**
   * Returns the time until the request would be admitted; zero when it was.
   *
   * @return the wait before retrying
   */
  public Duration retryAfter() {
    return reportedLimit().retryAfter();
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
    long nanos = reportedLimit().retryAfterNanos();
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
