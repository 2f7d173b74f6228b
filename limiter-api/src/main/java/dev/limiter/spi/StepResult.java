package dev.limiter.spi;

/**
 * What one {@link Step} decided for one key.
 *
 * @param allowed whether the units were taken (always true for a release)
 * @param limit the limit the step applied
 * @param remaining units left after the step, between 0 and {@code limit}
 * @param resetAfterNanos nanoseconds from {@code stampNanos} until every used unit is back
 * @param retryAfterNanos when not allowed, nanoseconds from {@code stampNanos} until the same
 *     request would be allowed; 0 when allowed
 * @param stampNanos the store's time of the step, in nanoseconds since the epoch; a later {@link
 *     Step#release} needs it to give the units back where they were taken
 */
public record StepResult(
    boolean allowed,
    long limit,
    long remaining,
    long resetAfterNanos,
    long retryAfterNanos,
    long stampNanos) {

  /** Validates the components. */
  public StepResult {
    if (remaining < 0 || remaining > limit) {
      throw new IllegalArgumentException(
          "remaining must be between 0 and limit " + limit + ", was " + remaining);
    }
    if (resetAfterNanos < 0 || retryAfterNanos < 0) {
      throw new IllegalArgumentException(
          "resetAfterNanos and retryAfterNanos must not be negative, were "
              + resetAfterNanos + " and " + retryAfterNanos);
    }
    if (allowed && retryAfterNanos != 0) {
      throw new IllegalArgumentException("an allowed result has retryAfterNanos 0, was " + retryAfterNanos);
    }
  }
}
