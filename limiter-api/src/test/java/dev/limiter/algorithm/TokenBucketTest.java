/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.algorithm;

import static dev.limiter.Algorithm.TOKEN_BUCKET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link TokenBucket}: GCRA, on fake times. */
class TokenBucketTest {

  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000 * MS;
  private static final long T0 = Instant.parse("2026-03-02T09:00:00Z").getEpochSecond() * SECOND;

  private static Step take(long limit, long cost) {
    return Step.acquire(TOKEN_BUCKET, SECOND, limit, cost);
  }

  @ParameterizedTest
  @CsvSource({
    "4, 250000000", // window / max
    "3, 333333334", // rounded up, so that the refill never exceeds max per window
    "1, 1000000000",
  })
  void refillsOneUnitEveryWindowOverMax(long limit, long interval) {
    KeyState key = new KeyState();
    for (int i = 0; i < limit; i++) {
      assertThat(key.apply(take(limit, 1), T0).allowed()).isTrue();
    }
    StepResult empty = key.apply(take(limit, 1), T0);
    assertThat(empty).returns(false, StepResult::allowed).returns(0L, StepResult::remaining);
    assertThat(empty.retryAfterNanos()).isEqualTo(interval);
    assertThat(empty.resetAfterNanos()).isEqualTo(limit * interval);
    assertThat(key.probe(take(limit, 1), T0 + interval - 1).allowed()).isFalse();
    assertThat(key.probe(take(limit, 1), T0 + interval).remaining()).isZero();
    assertThat(key.probe(take(limit, 2), T0 + 2 * interval - 1).allowed()).isFalse();
    assertThat(key.probe(take(limit, 1), T0 + limit * interval).remaining()).isEqualTo(limit - 1);
  }

  @Test
  void aPartlyRefilledUnitIsNotCountedAsAvailable() {
    KeyState key = new KeyState();
    for (int i = 0; i < 4; i++) {
      key.apply(take(4, 1), T0);
    }
    StepResult half = key.apply(take(4, 1), T0 + 125 * MS);
    assertThat(half)
        .returns(false, StepResult::allowed)
        .returns(0L, StepResult::remaining)
        .returns(125 * MS, StepResult::retryAfterNanos)
        .returns(875 * MS, StepResult::resetAfterNanos);
  }

  @Test
  void aRaisedLimitKeepsTheUnitsUsed() {
    KeyState key = new KeyState();
    key.apply(take(3, 1), T0); // one unit of 333333334 ns used
    StepResult raised = key.apply(take(7, 1), T0);
    assertThat(raised.remaining()).as("2 of 7 used").isEqualTo(5);
    assertThat(raised.resetAfterNanos()).isEqualTo(2 * 142_857_143L);
  }

  @Test
  void aLoweredLimitCountsAtMostAFullBucket() {
    KeyState key = new KeyState();
    for (int i = 0; i < 10; i++) {
      key.apply(take(10, 1), T0);
    }
    StepResult lowered = key.apply(take(5, 1), T0);
    assertThat(lowered).returns(false, StepResult::allowed).returns(0L, StepResult::remaining);
    // 10 used count as a full bucket of 5, back one window later, as with the other algorithms;
    // never later than take(5, 1).expiryNanos(), after which a store may drop the key
    assertThat(lowered.resetAfterNanos()).isEqualTo(SECOND).isLessThan(take(5, 1).expiryNanos());
    assertThat(lowered.retryAfterNanos()).isEqualTo(200 * MS);
    assertThat(key.probe(take(5, 5), T0 + SECOND - 1).allowed()).isFalse();
    assertThat(key.probe(take(5, 5), T0 + SECOND).allowed()).isTrue();
  }

  @Test
  void aReleaseAtTheTimeOfItsAcquireGivesEverythingBack() {
    KeyState key = new KeyState();
    key.apply(take(4, 1), T0);
    StepResult taken = key.apply(take(4, 2), T0);
    StepResult released =
        key.apply(
            Step.release(TOKEN_BUCKET, SECOND, 4, 2, taken.stampNanos(), taken.generation()), T0);
    assertThat(released)
        .returns(true, StepResult::allowed)
        .returns(3L, StepResult::remaining)
        .returns(250 * MS, StepResult::resetAfterNanos);
  }

  @Test
  void aLateReleaseGivesBackOnlyWhatCanStillBeOwed() {
    KeyState key = new KeyState();
    StepResult old = key.apply(take(2, 2), T0);
    key.apply(take(2, 2), T0 + SECOND); // the old units refilled; these are new
    StepResult released =
        key.apply(
            Step.release(TOKEN_BUCKET, SECOND, 2, 1, old.stampNanos(), old.generation()),
            T0 + SECOND);
    assertThat(released)
        .returns(0L, StepResult::remaining)
        .returns(SECOND, StepResult::resetAfterNanos);
    assertThat(key.apply(take(2, 1), T0 + SECOND).allowed()).isFalse();
  }

  @Test
  void aReleaseAfterPartOfItsUnitRefilledGivesBackTheRest() {
    KeyState key = new KeyState();
    StepResult taken = null;
    for (int i = 0; i < 4; i++) {
      taken = key.apply(take(4, 1), T0);
    }
    StepResult released =
        key.apply(
            Step.release(TOKEN_BUCKET, SECOND, 4, 1, taken.stampNanos(), taken.generation()),
            T0 + 100 * MS);
    // at least 250 - 100 ms of the unit was still owed; that much comes back
    assertThat(released.resetAfterNanos()).isEqualTo(750 * MS);
    assertThat(released.remaining()).isEqualTo(1);
  }

  @Test
  void aClockGoingBackIsStricterButNeverLooser() {
    // The state is one instant (when the bucket is full again); it cannot tell an earlier clock
    // from more debt, so while the clock is behind, the bucket looks emptier than it was.
    KeyState key = new KeyState();
    key.apply(take(4, 1), T0); // full again at T0 + 250 ms
    StepResult back = key.apply(take(4, 1), T0 - SECOND);
    assertThat(back).returns(false, StepResult::allowed).returns(0L, StepResult::remaining);
    // debt 1.25 s as seen from T0 - 1 s: one more unit fits once the debt is down to 750 ms
    assertThat(back.retryAfterNanos()).isEqualTo(500 * MS);
    assertThat(key.apply(take(4, 3), T0).allowed()).isTrue();
  }

  @Test
  void aLimitOfZeroRejectsWithoutTouchingTheState() {
    KeyState key = new KeyState();
    key.apply(take(4, 1), T0);
    StepResult zero = key.apply(take(0, 1), T0);
    assertThat(zero)
        .returns(false, StepResult::allowed)
        .returns(0L, StepResult::remaining)
        .returns(0L, StepResult::limit);
    assertThat(key.apply(take(4, 3), T0).remaining()).isZero();
  }
}
