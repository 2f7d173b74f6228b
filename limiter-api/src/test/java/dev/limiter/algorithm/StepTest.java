/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.algorithm;

import static dev.limiter.Algorithm.FIXED_WINDOW;
import static dev.limiter.Algorithm.SLIDING_WINDOW;
import static dev.limiter.Algorithm.TOKEN_BUCKET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.limiter.Algorithm;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class StepTest {

  private static final long SECOND = 1_000_000_000L;

  @ParameterizedTest
  @ValueSource(longs = {-1, 0, Step.MIN_WINDOW_NANOS - 1, Step.MAX_WINDOW_NANOS + 1})
  void rejectsAWindowOutsideOneMillisecondTo3660Days(long window) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Step.acquire(SLIDING_WINDOW, window, 1, 1))
        .withMessage("windowNanos must be between 1 ms and 3660 days, was " + window);
  }

  @ParameterizedTest
  @ValueSource(longs = {-1, Step.MAX_LIMIT + 1})
  void rejectsALimitOutsideZeroToMaxLimit(long limit) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Step.acquire(SLIDING_WINDOW, SECOND, limit, 1))
        .withMessage("limit must be between 0 and " + Step.MAX_LIMIT + ", was " + limit);
  }

  @ParameterizedTest
  @ValueSource(longs = {-1, 0, Step.MAX_LIMIT + 1})
  void rejectsACostOutsideOneToMaxLimit(long cost) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Step.acquire(SLIDING_WINDOW, SECOND, 1, cost))
        .withMessage("cost must be between 1 and " + Step.MAX_LIMIT + ", was " + cost);
  }

  @Test
  void rejectsAnAcquireWithAStampOrAGeneration() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Step(SLIDING_WINDOW, SECOND, 1, 1, false, 5, 0))
        .withMessage("an acquire step has stampNanos and generation 0, were 5 and 0");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Step(SLIDING_WINDOW, SECOND, 1, 1, false, 0, 9))
        .withMessage("an acquire step has stampNanos and generation 0, were 0 and 9");
  }

  @Test
  void acceptsTheBounds() {
    assertThat(Step.acquire(FIXED_WINDOW, Step.MIN_WINDOW_NANOS, 0, Step.MAX_LIMIT).limit())
        .isZero();
    assertThat(Step.acquire(FIXED_WINDOW, Step.MAX_WINDOW_NANOS, Step.MAX_LIMIT, 1).limit())
        .isEqualTo(Step.MAX_LIMIT);
    assertThat(Step.release(FIXED_WINDOW, SECOND, 1, 1, 42, 7).stampNanos()).isEqualTo(42);
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void preparesAFreshStateWhenThereIsNone(Algorithm algorithm) {
    Step step = Step.acquire(algorithm, SECOND, 3, 1);
    long[] first = step.prepare(null);
    long[] second = step.prepare(null);
    assertThat(first).isNotSameAs(second).hasSameSizeAs(second);
    StepResult one = step.applyTo(first, SECOND);
    StepResult other = step.applyTo(second, SECOND);
    assertThat(one.generation()).isNotZero().isNotEqualTo(other.generation());
    assertThat(one).usingRecursiveComparison().ignoringFields("generation").isEqualTo(other);
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void aReleaseChangesOnlyTheStateThatTookTheUnits(Algorithm algorithm) {
    Step acquire = Step.acquire(algorithm, SECOND, 3, 1);
    long[] state = acquire.prepare(null);
    StepResult taken = acquire.applyTo(state, SECOND);
    long[] other = acquire.prepare(null);
    acquire.applyTo(other, SECOND);
    long[] before = other.clone();

    StepResult foreign =
        Step.release(algorithm, SECOND, 3, 1, taken.stampNanos(), taken.generation())
            .applyTo(other, SECOND);
    assertThat(foreign.allowed()).isFalse();
    assertThat(foreign.generation()).isZero();
    assertThat(other).isEqualTo(before);

    StepResult own =
        Step.release(algorithm, SECOND, 3, 1, taken.stampNanos(), taken.generation())
            .applyTo(state, SECOND);
    assertThat(own.allowed()).isTrue();
    assertThat(own.remaining()).isEqualTo(3);
    assertThat(own.generation()).isEqualTo(taken.generation());
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void aReleaseNeverReplacesAStateAndCreatesOneThatItCannotMatch(Algorithm algorithm) {
    long[] minute = Step.acquire(algorithm, 60 * SECOND, 3, 1).prepare(null);
    Step release = Step.release(algorithm, SECOND, 3, 1, SECOND, 12345);
    assertThat(release.prepare(minute)).isSameAs(minute);
    assertThat(release.applyTo(minute, SECOND).allowed()).isFalse();
    for (int i = 0; i < 100; i++) {
      assertThat(release.applyTo(release.prepare(null), SECOND).allowed()).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void keepsTheStateWhenOnlyTheLimitCostOrDirectionChanges(Algorithm algorithm) {
    long[] state = Step.acquire(algorithm, SECOND, 3, 1).prepare(null);
    assertThat(Step.acquire(algorithm, SECOND, 10, 2).prepare(state)).isSameAs(state);
    assertThat(Step.release(algorithm, SECOND, 0, 1, 7, 1).prepare(state)).isSameAs(state);
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void startsAfreshWhenTheWindowChanges(Algorithm algorithm) {
    KeyState key = new KeyState();
    key.apply(Step.acquire(algorithm, Step.MAX_WINDOW_NANOS, 1, 1), 0);
    // the longest and the next-longest window still get different tags
    assertThat(key.apply(Step.acquire(algorithm, Step.MAX_WINDOW_NANOS - 1, 1, 1), 0).allowed())
        .isTrue();
    assertThat(key.apply(Step.acquire(algorithm, Step.MAX_WINDOW_NANOS, 1, 1), 0).allowed())
        .isTrue();
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void startsAfreshWhenTheAlgorithmChanges(Algorithm algorithm) {
    KeyState key = new KeyState();
    assertThat(key.apply(Step.acquire(algorithm, SECOND, 1, 1), SECOND).allowed()).isTrue();
    for (Algorithm other : Algorithm.values()) {
      if (other != algorithm) {
        assertThat(key.apply(Step.acquire(other, SECOND, 1, 1), SECOND).allowed())
            .as("%s", other)
            .isTrue();
      }
    }
    assertThat(key.apply(Step.acquire(algorithm, SECOND, 1, 1), SECOND).allowed()).isTrue();
  }

  @Test
  void refusesAStateThatWasNotPreparedForTheStep() {
    Step step = Step.acquire(TOKEN_BUCKET, SECOND, 3, 1);
    long[] other = Step.acquire(TOKEN_BUCKET, 2 * SECOND, 3, 1).prepare(null);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> step.applyTo(other, 0))
        .withMessageStartingWith("state was not prepared for Step[algorithm=TOKEN_BUCKET");
    assertThatIllegalArgumentException().isThrownBy(() -> step.applyTo(new long[1], 0));
  }

  @ParameterizedTest
  @CsvSource({
    // algorithm, window, limit, expiry
    "SLIDING_WINDOW, 1000000000, 5, 1020000000", // 51 sub-windows of 20 ms
    "SLIDING_WINDOW, 1000000007, 5, 1020000051", // sub-windows rounded up to 20000001 ns
    "FIXED_WINDOW, 86400000000000, 5, 86400000000000",
    "TOKEN_BUCKET, 1000000000, 4, 1000000001", // a full bucket of 4 x 250 ms, then 1 ns
    "TOKEN_BUCKET, 1000000000, 3, 1000000003", // 3 x 333333334 ns, then 1 ns
    "TOKEN_BUCKET, 1000000000, 0, 1000000000",
  })
  void expiresAfterTheLongestTimeAUnitCanStayUsed(
      Algorithm algorithm, long window, long limit, long expiry) {
    assertThat(Step.acquire(algorithm, window, limit, 1).expiryNanos()).isEqualTo(expiry);
  }

  @ParameterizedTest
  @CsvSource({
    "1000000, 1",
    "1000000, 3",
    "1000000, 999999",
    "1000000, 1000000",
    "1000000, 2147483647",
    "1000000000, 1",
    "1000000000, 3",
    "1000000000, 7",
    "1000000000, 1000000",
    "1000000000, 999999999",
    "1000000000, 2147483647",
    "3600000000000, 2000000000",
    "316224000000000000, 1",
    "316224000000000000, 2147483647",
  })
  void readsAnExpiryFromTheStateThatIsNeverShorterThanTheStepsExpiry(long window, long limit) {
    for (Algorithm algorithm : Algorithm.values()) {
      Step step = Step.acquire(algorithm, window, limit, 1);
      long[] state = step.prepare(null);
      step.applyTo(state, 5 * SECOND);
      long excess = Step.expiryNanosOf(state) - step.expiryNanos();
      if (algorithm == TOKEN_BUCKET) {
        // a token bucket's state knows its interval, not its limit
        assertThat(excess).as("%s", step).isBetween(0L, Step.MAX_LIMIT);
        if (window / limit > 1) { // the bucket's interval, one unit every window / limit
          assertThat(excess).as("%s", step).isLessThanOrEqualTo(2 * limit);
        }
      } else {
        assertThat(excess).as("%s", step).isZero();
      }
    }
  }

  @Test
  void readsTheExpiryOfAStateThatOnlySawLimitZeroAsTheWindow() {
    long[] state = Step.acquire(TOKEN_BUCKET, SECOND, 0, 1).prepare(null);
    assertThat(Step.expiryNanosOf(state)).isEqualTo(SECOND);
  }

  @Test
  void refusesToReadAnExpiryFromAnArrayThatIsNoState() {
    assertThatIllegalArgumentException().isThrownBy(() -> Step.expiryNanosOf(new long[0]));
    assertThatIllegalArgumentException().isThrownBy(() -> Step.expiryNanosOf(new long[3]));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Step.expiryNanosOf(new long[] {(SECOND << 2) | 3, 0, 0}));
  }
}
