/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.algorithm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.limiter.Algorithm;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EvictionSummaryTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long T0 = 1_772_359_200L * SECOND;

  /**
   * Many keys share few slots; each is dropped with the units it holds. Whichever key starts again
   * from the summary, at whatever later time, a request its own state would reject is rejected.
   */
  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void aKeyStartsAgainWithAtLeastItsOwnUnits(Algorithm algorithm) {
    Random random = new Random(11 + algorithm.code());
    for (int round = 0; round < 200; round++) {
      EvictionSummary summary = new EvictionSummary(4);
      long window = (1 + random.nextInt(60)) * SECOND;
      List<String> keys = new ArrayList<>();
      List<KeyState> states = new ArrayList<>();
      long now = T0 + random.nextInt(1_000) * SECOND;
      for (int k = 0; k < 12; k++) {
        KeyState state = new KeyState();
        long limit = 1L + random.nextInt(20);
        for (int i = random.nextInt(30); i > 0; i--) {
          state.apply(Step.acquire(algorithm, window, limit, 1 + random.nextInt(3)), now);
          now += random.nextInt(2_000) * 1_000_000L;
        }
        keys.add("key-" + round + "-" + k);
        states.add(state);
      }
      for (int k = 0; k < keys.size(); k++) {
        long[] dropped = states.get(k).stateOrNull();
        if (dropped != null) {
          summary.add(keys.get(k), dropped, now);
        }
      }
      for (int k = 0; k < keys.size(); k++) {
        long later = now + (long) (random.nextDouble() * 1.5 * window);
        for (long limit : new long[] {1, 5, 20}) {
          for (long cost = 1; cost <= limit; cost += Math.max(1, limit / 3)) {
            Step probe = Step.acquire(algorithm, window, limit, cost);
            KeyState restarted = new KeyState(summary.stateFor(keys.get(k), probe, later));
            boolean own = states.get(k).probe(probe, later).allowed();
            boolean summarized = restarted.probe(probe, later).allowed();
            assertThat(!summarized || own)
                .as(
                    "%s round %d key %d: %s at +%d ns admitted from the summary, rejected by its"
                        + " own state",
                    algorithm, round, k, probe, later - now)
                .isTrue();
          }
        }
      }
    }
  }

  /**
   * A key that keeps being dropped and starting again from its slot, one unit each time, owes what
   * it took, not twice the slot each round.
   */
  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void aStateThatStartedFromItsSlotAddsOnlyWhatItTookSince(Algorithm algorithm) {
    EvictionSummary summary = new EvictionSummary(1);
    Step step = Step.acquire(algorithm, 3_600 * SECOND, 1_000, 1);
    long now = T0;
    for (int i = 0; i < 500; i++) {
      long[] state = step.prepare(summary.stateFor("k", step, now));
      assertThat(step.applyTo(state, now).allowed()).as("round %d", i).isTrue();
      summary.add("k", state, now);
      now += 1_000_000L; // a millisecond: a token bucket of 1,000 an hour refills none by the end
    }
    long[] last = step.prepare(summary.stateFor("k", step, now));
    assertThat(step.applyTo(last, now).remaining()).isEqualTo(1_000 - 501);
  }

  @Test
  void statesWithoutUnitsAreNotKeptAndStartsAreRenewed() {
    EvictionSummary summary = new EvictionSummary(16);
    Step step = Step.acquire(Algorithm.FIXED_WINDOW, 60 * SECOND, 5, 1);
    long[] state = step.prepare(null);
    StepResult taken = step.applyTo(state, T0);
    summary.add("k", state, T0 + 60 * SECOND); // the next window: nothing counts any more
    assertThat(summary.isEmpty()).isTrue();
    assertThat(summary.stateFor("k", step, T0)).isNull();

    summary.add("k", state, T0);
    assertThat(summary.isEmpty()).isFalse();
    long[] start = summary.stateFor("k", step, T0);
    assertThat(start).isNotNull().isNotSameAs(state);
    StepResult again = step.applyTo(start, T0);
    assertThat(again.remaining()).isEqualTo(3);
    assertThat(again.generation())
        .as("a copy takes a generation of its own")
        .isNotEqualTo(taken.generation());
    assertThat(summary.stateFor("k", Step.acquire(Algorithm.FIXED_WINDOW, 30 * SECOND, 5, 1), T0))
        .as("another window has its own slots")
        .isNull();
    assertThat(summary.stateFor("k", step, T0 + 60 * SECOND))
        .as("once its window is over")
        .isNull();
  }

  @Test
  void slidingWindowsWhoseMergedCountsOutgrowTheirCountersAreWidened() {
    EvictionSummary summary = new EvictionSummary(1);
    long minute = 60 * SECOND;
    long slot = SlidingWindow.slotNanos(minute);
    Step forty = Step.acquire(Algorithm.SLIDING_WINDOW, minute, 1_000, 40);
    long[] first = forty.prepare(null);
    forty.applyTo(first, T0);
    long[] second = forty.prepare(null);
    forty.applyTo(second, T0 + 5 * slot);
    assertThat(first).as("40 units fit 6-bit counters").hasSize(8);
    summary.add("a", first, T0 + 5 * slot);
    summary.add("b", second, T0 + 5 * slot);

    Step one = Step.acquire(Algorithm.SLIDING_WINDOW, minute, 1_000, 1);
    long[] start = summary.stateFor("a", one, T0 + 5 * slot);
    assertThat(start).as("80 units do not fit 6-bit counters").hasSize(9);
    KeyState restarted = new KeyState(start);
    assertThat(restarted.apply(one, T0 + 6 * slot).remaining()).isEqualTo(1_000 - 81);
    long firstBack = T0 + SlidingWindow.SLOTS * slot;
    assertThat(restarted.probe(one, firstBack - 1).remaining()).isEqualTo(1_000 - 82);
    assertThat(restarted.probe(one, firstBack).remaining()).isEqualTo(1_000 - 42);
  }

  @Test
  void rejectsASizeOutOfRange() {
    assertThatIllegalArgumentException().isThrownBy(() -> new EvictionSummary(0));
    assertThat(EvictionSummary.slotsFor(10)).isEqualTo(64);
    assertThat(EvictionSummary.slotsFor(1_000_000)).isEqualTo(62_500);
    assertThat(EvictionSummary.slotsFor(100_000_000)).isEqualTo(65_536);
  }
}
