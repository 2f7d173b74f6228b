/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.algorithm;

import static dev.limiter.Algorithm.SLIDING_WINDOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import java.time.Instant;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link SlidingWindow}: the ring of sub-window counters, on fake times. */
class SlidingWindowTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long HOUR = 3_600 * SECOND;

  /** 2026-03-02T09:00:00Z, the start of a sub-window for every window of these tests. */
  private static final long T0 = Instant.parse("2026-03-02T09:00:00Z").getEpochSecond() * SECOND;

  static Stream<Arguments> windowsAndOffsets() {
    return LongStream.of(1_000_000, SECOND, 1_000_000_007, HOUR, 7 * 86_400 * SECOND + 3)
        .boxed()
        .flatMap(
            window -> {
              long slot = SlidingWindow.slotNanos(window);
              return LongStream.of(0, 1, slot / 2, slot - 1)
                  .mapToObj(offset -> Arguments.of(window, offset));
            });
  }

  @ParameterizedTest
  @MethodSource("windowsAndOffsets")
  void aUnitComesBackFiftyOneSubWindowsAfterItsSubWindowStarted(long window, long offset) {
    long slot = SlidingWindow.slotNanos(window);
    long slotStart = Math.floorDiv(T0, slot) * slot;
    long taken = slotStart + offset;
    Step step = Step.acquire(SLIDING_WINDOW, window, 1, 1);
    KeyState key = new KeyState();
    key.apply(step, taken);

    StepResult rejected = key.apply(step, taken);
    long back = slotStart + (Step.SUB_WINDOWS + 1) * slot;
    assertThat(rejected.retryAfterNanos()).isEqualTo(back - taken);
    assertThat(rejected.resetAfterNanos()).isEqualTo(back - taken);
    assertThat(rejected.retryAfterNanos())
        .as("never early, at most one sub-window late")
        .isGreaterThan(window)
        .isLessThanOrEqualTo((Step.SUB_WINDOWS + 1) * slot);
    assertThat(rejected.retryAfterNanos() - window)
        .as("at most 2% of the window late (plus the rounding of sub-windows up to the ns)")
        .isLessThanOrEqualTo(window / 50 + Step.SUB_WINDOWS);
    assertThat(key.probe(step, taken + window).allowed())
        .as("the unit is in [t, t + window]")
        .isFalse();
    assertThat(key.probe(step, back - 1).allowed()).isFalse();
    assertThat(key.probe(step, back).allowed()).isTrue();
  }

  @Test
  void unitsComeBackSubWindowBySubWindow() {
    long slot = SlidingWindow.slotNanos(SECOND); // 20 ms
    KeyState key = new KeyState();
    long limit = (long) SlidingWindow.SLOTS * (SlidingWindow.SLOTS + 1) / 2; // 1 + 2 + ... + 51
    for (int i = 0; i < Step.SUB_WINDOWS + 1; i++) {
      StepResult taken =
          key.apply(Step.acquire(SLIDING_WINDOW, SECOND, limit, i + 1), T0 + i * slot);
      assertThat(taken.allowed()).isTrue();
    }
    // every counter of the ring is now in use: sub-window i holds i + 1 units
    long now = T0 + Step.SUB_WINDOWS * slot;
    for (int i = 0; i < Step.SUB_WINDOWS + 1; i++) {
      long back = now + (i + 1) * slot;
      assertThat(key.probe(Step.acquire(SLIDING_WINDOW, SECOND, limit, 1), back).remaining())
          .as("remaining once sub-window %d has left", i)
          .isEqualTo(
              limit - (long) (Step.SUB_WINDOWS + 1 + i + 2) * (Step.SUB_WINDOWS - i) / 2 - 1);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 9, 10, 49, 50})
  void countersUpToTheLargestLimitDoNotDisturbTheirNeighbours(int firstIndex) {
    long slot = SlidingWindow.slotNanos(SECOND);
    long start =
        (Math.floorDiv(T0, slot * SlidingWindow.SLOTS) * SlidingWindow.SLOTS + firstIndex) * slot;
    long max = Step.MAX_LIMIT;
    KeyState key = new KeyState();
    assertThat(key.apply(Step.acquire(SLIDING_WINDOW, SECOND, max, max - 1), start).remaining())
        .isEqualTo(1);
    StepResult neighbour = key.apply(Step.acquire(SLIDING_WINDOW, SECOND, max, 1), start + slot);
    assertThat(neighbour.remaining()).isZero();
    StepResult released =
        key.apply(
            Step.release(
                SLIDING_WINDOW, SECOND, max, 5, neighbour.stampNanos(), neighbour.generation()),
            start + slot);
    assertThat(released.remaining()).as("only the neighbour's 1 unit is given back").isEqualTo(1);
    long firstBack = start + (Step.SUB_WINDOWS + 1) * slot;
    assertThat(key.probe(Step.acquire(SLIDING_WINDOW, SECOND, max, 1), firstBack - 1).remaining())
        .isZero();
    assertThat(key.probe(Step.acquire(SLIDING_WINDOW, SECOND, max, max), firstBack).allowed())
        .isTrue();
  }

  @Test
  void aReleaseGivesBackInTheSubWindowOfItsAcquire() {
    long slot = SlidingWindow.slotNanos(SECOND);
    KeyState key = new KeyState();
    Step step = Step.acquire(SLIDING_WINDOW, SECOND, 2, 1);
    StepResult early = key.apply(step, T0);
    key.apply(step, T0 + 5 * slot);
    StepResult released =
        key.apply(
            Step.release(SLIDING_WINDOW, SECOND, 2, 1, early.stampNanos(), early.generation()),
            T0 + 5 * slot);
    assertThat(released.remaining()).isEqualTo(1);
    assertThat(released.resetAfterNanos())
        .as("only the later unit is left")
        .isEqualTo(SlidingWindow.SLOTS * slot);
    assertThat(key.apply(step, T0 + 5 * slot).allowed()).isTrue();
    assertThat(key.apply(step, T0 + 5 * slot).allowed()).isFalse();
  }

  @Test
  void aClockGoingBackCountsAsTimeStandingStill() {
    Step step = Step.acquire(SLIDING_WINDOW, SECOND, 3, 1);
    KeyState key = new KeyState();
    key.apply(step, T0);
    key.apply(step, T0);
    assertThat(key.apply(step, T0 - HOUR).remaining()).as("the third unit, an hour back").isZero();
    StepResult rejected = key.apply(step, T0 - HOUR);
    assertThat(rejected.allowed()).isFalse();
    assertThat(rejected.retryAfterNanos())
        .as("the same instant as seen from T0")
        .isEqualTo(HOUR + SlidingWindow.SLOTS * SlidingWindow.slotNanos(SECOND));
    assertThat(key.apply(step, T0 + 1_020_000_000L - 1).allowed()).isFalse();
    assertThat(key.probe(Step.acquire(SLIDING_WINDOW, SECOND, 3, 3), T0 + 1_020_000_000L).allowed())
        .isTrue();
  }

  @Test
  void aRollingHourComesBackAtMostSeventyTwoSecondsLate() {
    Step step = Step.acquire(SLIDING_WINDOW, HOUR, 1000, 1000);
    KeyState key = new KeyState();
    assertThat(key.apply(step, T0 + 1).allowed()).isTrue();
    StepResult rejected = key.apply(Step.acquire(SLIDING_WINDOW, HOUR, 1000, 1), T0 + 1);
    assertThat(rejected.retryAfterNanos()).isEqualTo(HOUR + 72 * SECOND - 1);
  }

  @ParameterizedTest
  @ValueSource(longs = {63, 255, 4_095, 65_535, Step.MAX_LIMIT})
  void theStateWidensWhenItsSumWouldNotFitAndKeepsEveryCount(long width) {
    long slot = SlidingWindow.slotNanos(SECOND);
    long limit = Step.MAX_LIMIT;
    KeyState key = new KeyState();
    StepResult first = key.apply(Step.acquire(SLIDING_WINDOW, SECOND, limit, 3), T0);
    int before = key.state().length;
    assertThat(before).as("a new state is the narrowest").isEqualTo(8);
    long upTo = Math.min(width, limit - 10);
    key.apply(Step.acquire(SLIDING_WINDOW, SECOND, limit, upTo - 3), T0 + 7 * slot);
    int filled = key.state().length;
    Step next = Step.acquire(SLIDING_WINDOW, SECOND, limit, 1);
    assertThat(States.updatesInPlace(next, key.state()))
        .as("one more unit fits the width of a sum of %d", upTo)
        .isEqualTo(width == Step.MAX_LIMIT || upTo < width);
    StepResult one = key.apply(next, T0 + 49 * slot);
    assertThat(one.remaining()).isEqualTo(limit - upTo - 1);
    if (width < Step.MAX_LIMIT) {
      assertThat(key.state().length).as("wider than %d", filled).isGreaterThan(filled);
    }
    assertThat(one.generation()).as("widening keeps the generation").isEqualTo(first.generation());
    StepResult released =
        key.apply(
            Step.release(SLIDING_WINDOW, SECOND, limit, 3, first.stampNanos(), first.generation()),
            T0 + 49 * slot);
    assertThat(released.remaining()).isEqualTo(limit - upTo + 2);
    long back = T0 + SlidingWindow.SLOTS * slot;
    // each probe takes its own unit
    assertThat(key.probe(next, back).remaining())
        .as("nothing left to give back in the first sub-window")
        .isEqualTo(limit - upTo + 1);
    assertThat(key.probe(next, back + 7 * slot).remaining())
        .as("the second acquire leaves with its sub-window")
        .isEqualTo(limit - 2);
    assertThat(key.probe(next, back + 49 * slot).remaining()).isEqualTo(limit - 1);
  }

  @Test
  void stateLengthsFollowTheUnitsHeldNotTheLimit() {
    long[] lengths = new long[5];
    long[] sums = {63, 255, 4_095, 65_535, 65_536};
    for (int i = 0; i < sums.length; i++) {
      KeyState key = new KeyState();
      key.apply(Step.acquire(SLIDING_WINDOW, HOUR, Step.MAX_LIMIT, sums[i]), T0);
      lengths[i] = key.state().length;
    }
    assertThat(lengths).containsExactly(8, 9, 13, 16, 29);
    KeyState idle = new KeyState();
    idle.apply(Step.acquire(SLIDING_WINDOW, HOUR, Step.MAX_LIMIT, 1), T0);
    assertThat(idle.state()).as("a high limit alone does not widen").hasSize(8);

    KeyState full = new KeyState();
    Step step = Step.acquire(SLIDING_WINDOW, HOUR, 63, 1);
    long slot = SlidingWindow.slotNanos(HOUR);
    for (int i = 0; i < 63; i++) {
      full.apply(step, T0 + i % 50 * slot);
    }
    assertThat(States.updatesInPlace(step, full.state()))
        .as("a limit that fits 6 bits never needs more, however full the ring")
        .isTrue();
    assertThat(full.apply(step, T0 + 51 * slot).allowed()).isTrue();
    assertThat(full.state()).hasSize(8);
  }
}
