/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.algorithm;

import static dev.limiter.Algorithm.FIXED_WINDOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link FixedWindow}: epoch-aligned windows, on fake times. */
class FixedWindowTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long DAY = 86_400 * SECOND;

  private static long nanos(String instant) {
    Instant parsed = Instant.parse(instant);
    return parsed.getEpochSecond() * SECOND + parsed.getNano();
  }

  @ParameterizedTest
  @ValueSource(longs = {1_000_000, 7_000_003, SECOND, 60 * SECOND, 3_600 * SECOND, DAY, 7 * DAY})
  void windowsAreAlignedToTheEpoch(long window) {
    SplittableRandom random = new SplittableRandom(window);
    for (int i = 0; i < 100; i++) {
      long now = nanos("2026-01-01T00:00:00Z") + random.nextLong(400 * DAY);
      long end = (Math.floorDiv(now, window) + 1) * window;
      KeyState key = new KeyState();
      Step step = Step.acquire(FIXED_WINDOW, window, 1, 1);
      assertThat(key.apply(step, now).resetAfterNanos()).isEqualTo(end - now);
      assertThat(key.apply(step, now).retryAfterNanos()).isEqualTo(end - now);
      assertThat(key.probe(step, end - 1).allowed()).isFalse();
      assertThat(key.probe(step, end).allowed()).isTrue();
    }
  }

  @ParameterizedTest
  @CsvSource({
    "2026-03-14T10:15:00Z, 2026-03-15T00:00:00Z",
    "2026-03-29T00:59:59Z, 2026-03-30T00:00:00Z", // the night Europe moves its clocks: UTC does not
    "2026-12-31T23:59:59.999999999Z, 2027-01-01T00:00:00Z",
    "2026-06-01T00:00:00Z, 2026-06-02T00:00:00Z",
  })
  void aDailyWindowResetsAtMidnightUtc(String taken, String midnight) {
    KeyState key = new KeyState();
    Step step = Step.acquire(FIXED_WINDOW, DAY, 1, 1);
    StepResult first = key.apply(step, nanos(taken));
    assertThat(first.resetAfterNanos()).isEqualTo(nanos(midnight) - nanos(taken));
    assertThat(key.probe(step, nanos(midnight) - 1).allowed()).isFalse();
    assertThat(key.probe(step, nanos(midnight)))
        .returns(true, StepResult::allowed)
        .returns(DAY, StepResult::resetAfterNanos);
  }

  @Test
  void anHourlyWindowResetsOnTheHour() {
    KeyState key = new KeyState();
    Step step = Step.acquire(FIXED_WINDOW, Duration.ofHours(1).toNanos(), 2, 2);
    assertThat(key.apply(step, nanos("2026-03-02T09:59:00Z")).resetAfterNanos())
        .isEqualTo(60 * SECOND);
    assertThat(key.apply(step, nanos("2026-03-02T10:00:00Z")).allowed()).isTrue();
  }

  @Test
  void aClockGoingBackStaysInTheNewestWindow() {
    Step step = Step.acquire(FIXED_WINDOW, 60 * SECOND, 2, 1);
    long boundary = nanos("2026-03-02T09:01:00Z");
    KeyState key = new KeyState();
    key.apply(step, boundary);
    key.apply(step, boundary);
    StepResult back = key.apply(step, boundary - 1);
    assertThat(back.allowed()).as("the older window's empty count does not come back").isFalse();
    assertThat(back.retryAfterNanos()).isEqualTo(60 * SECOND + 1);
    assertThat(key.apply(step, boundary + 60 * SECOND).allowed()).isTrue();
  }

  @Test
  void aReleaseGivesBackOnlyInTheWindowOfItsAcquire() {
    Step step = Step.acquire(FIXED_WINDOW, 60 * SECOND, 2, 1);
    long start = nanos("2026-03-02T09:00:00Z");
    KeyState key = new KeyState();
    StepResult old = key.apply(step, start + 59 * SECOND);
    key.apply(step, start + 60 * SECOND);
    StepResult current = key.apply(step, start + 61 * SECOND);
    assertThat(current.remaining()).isZero();
    Step releaseOld =
        Step.release(FIXED_WINDOW, 60 * SECOND, 2, 1, old.stampNanos(), old.generation());
    assertThat(key.apply(releaseOld, start + 62 * SECOND).remaining()).isZero();
    Step releaseCurrent =
        Step.release(FIXED_WINDOW, 60 * SECOND, 2, 5, current.stampNanos(), current.generation());
    assertThat(key.apply(releaseCurrent, start + 62 * SECOND).remaining())
        .as("never below 0 used")
        .isEqualTo(2);
  }

  @Test
  void aLoweredLimitCountsTheUnitsUsedUntilTheWindowEnds() {
    long start = nanos("2026-03-02T09:00:00Z");
    KeyState key = new KeyState();
    for (int i = 0; i < 8; i++) {
      key.apply(Step.acquire(FIXED_WINDOW, 60 * SECOND, 10, 1), start);
    }
    StepResult lowered = key.apply(Step.acquire(FIXED_WINDOW, 60 * SECOND, 5, 1), start + SECOND);
    assertThat(lowered).returns(false, StepResult::allowed).returns(0L, StepResult::remaining);
    assertThat(lowered.retryAfterNanos()).isEqualTo(59 * SECOND);
    assertThat(
            key.apply(Step.acquire(FIXED_WINDOW, 60 * SECOND, 5, 5), start + 60 * SECOND).allowed())
        .isTrue();
  }
}
