/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.algorithm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.limiter.Algorithm;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every algorithm promises through {@link Step} and {@link StepResult}, on fake times: the
 * edge cases, and exact {@code retryAfter}, {@code resetAfter}, {@code remaining} and expiry over
 * seeded random traces (random windows, limits, costs, gaps, releases and limit changes).
 */
class AlgorithmContractTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long T0 = Instant.parse("2026-03-02T09:00:00Z").getEpochSecond() * SECOND;
  private static final long[] WINDOWS = {
    Step.MIN_WINDOW_NANOS, 7_000_003, SECOND, 1_000_000_007, 60 * SECOND, 3_600 * SECOND + 7
  };
  private static final int TRACES = 300;
  private static final int STEPS = 80;

  // ---------------------------------------------------------------- edge cases

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void aLimitOfZeroRejectsEveryRequestAndConsumesNothing(Algorithm algorithm) {
    KeyState key = new KeyState();
    key.apply(Step.acquire(algorithm, SECOND, 3, 1), T0);
    for (long cost : new long[] {1, 2, Step.MAX_LIMIT}) {
      StepResult zero = key.apply(Step.acquire(algorithm, SECOND, 0, cost), T0);
      assertThat(zero)
          .returns(false, StepResult::allowed)
          .returns(0L, StepResult::limit)
          .returns(0L, StepResult::remaining);
      assertThat(zero.retryAfterNanos()).isPositive();
    }
    assertThat(key.apply(Step.acquire(algorithm, SECOND, 3, 2), T0))
        .as("the unit taken before is still the only one used")
        .returns(true, StepResult::allowed)
        .returns(0L, StepResult::remaining);
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void aReleaseIsAlwaysAllowedEvenUnderALimitOfZero(Algorithm algorithm) {
    KeyState key = new KeyState();
    StepResult taken = key.apply(Step.acquire(algorithm, SECOND, 3, 1), T0);
    StepResult released =
        key.apply(
            Step.release(algorithm, SECOND, 0, 1, taken.stampNanos(), taken.generation()), T0);
    assertThat(released)
        .returns(true, StepResult::allowed)
        .returns(0L, StepResult::retryAfterNanos);
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void aRequestCostingMoreThanTheLimitIsRejectedWithWhatIsLeft(Algorithm algorithm) {
    KeyState key = new KeyState();
    key.apply(Step.acquire(algorithm, SECOND, 5, 2), T0);
    StepResult tooBig = key.apply(Step.acquire(algorithm, SECOND, 5, 6), T0);
    assertThat(tooBig).returns(false, StepResult::allowed).returns(3L, StepResult::remaining);
    assertThat(tooBig.retryAfterNanos()).isPositive();
    assertThat(key.apply(Step.acquire(algorithm, SECOND, 5, 3), T0).remaining()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void aRequestCostingMoreThanWhatIsLeftIsRejectedWithWhatIsLeft(Algorithm algorithm) {
    KeyState key = new KeyState();
    key.apply(Step.acquire(algorithm, 60 * SECOND, 5, 3), T0);
    StepResult rejected = key.apply(Step.acquire(algorithm, 60 * SECOND, 5, 3), T0);
    assertThat(rejected).returns(false, StepResult::allowed).returns(2L, StepResult::remaining);
    assertThat(key.apply(Step.acquire(algorithm, 60 * SECOND, 5, 2), T0).allowed()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void aClockGoingBackNeverAdmitsMoreThanTimeStandingStill(Algorithm algorithm) {
    for (long back : new long[] {1, SECOND / 3, SECOND, 3_600 * SECOND}) {
      KeyState key = new KeyState();
      Step step = Step.acquire(algorithm, SECOND, 3, 1);
      key.apply(step, T0);
      StepResult last = key.apply(step, T0); // one unit left at T0
      int admitted = 0;
      for (int i = 0; i < 5; i++) {
        StepResult result = key.apply(step, T0 - back);
        admitted += result.allowed() ? 1 : 0;
        assertThat(result.remaining()).isBetween(0L, 1L);
      }
      assertThat(admitted).as("admitted %d ns back", back).isLessThanOrEqualTo(1);
      if (algorithm
          != Algorithm.TOKEN_BUCKET) { // TokenBucketTest: stricter while the clock is behind
        assertThat(admitted).as("admitted %d ns back", back).isEqualTo(1);
      }
      long fullAgain = T0 + last.resetAfterNanos();
      assertThat(key.probe(Step.acquire(algorithm, SECOND, 3, 3), fullAgain - 1).allowed())
          .isFalse();
      assertThat(key.probe(Step.acquire(algorithm, SECOND, 3, 3), fullAgain).allowed()).isTrue();
    }
  }

  // ---------------------------------------------------------------- exactness over random traces

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void retryAfterIsExact(Algorithm algorithm) {
    forEachStep(
        algorithm,
        true,
        (trace, key, step, result) -> {
          if (result.allowed() || step.release() || step.cost() > step.limit()) {
            return;
          }
          long retryAt = trace.now + result.retryAfterNanos();
          if (key.probe(step, retryAt - 1).allowed() || !key.probe(step, retryAt).allowed()) {
            fail(
                "%s: retrying at retryAfter must succeed and 1 ns before must fail, after %s gave"
                    + " %s",
                trace, step, result);
          }
        });
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void resetAfterIsExact(Algorithm algorithm) {
    forEachStep(
        algorithm,
        true,
        (trace, key, step, result) -> {
          if (result.limit() == 0) {
            return;
          }
          Step everything = Step.acquire(algorithm, trace.window, result.limit(), result.limit());
          long resetAt = trace.now + result.resetAfterNanos();
          boolean early =
              result.resetAfterNanos() > 0 && key.probe(everything, resetAt - 1).allowed();
          if (early || !key.probe(everything, resetAt).allowed()) {
            fail(
                "%s: all units must be back at resetAfter and not 1 ns before, after %s gave %s",
                trace, step, result);
          }
        });
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void remainingIsExact(Algorithm algorithm) {
    forEachStep(
        algorithm,
        true,
        (trace, key, step, result) -> {
          long limit = result.limit();
          long remaining = result.remaining();
          boolean fits =
              remaining == 0
                  || key.probe(Step.acquire(algorithm, trace.window, limit, remaining), trace.now)
                      .allowed();
          boolean oneMoreFits =
              limit > 0
                  && remaining < limit
                  && key.probe(
                          Step.acquire(algorithm, trace.window, limit, remaining + 1), trace.now)
                      .allowed();
          if (!fits || oneMoreFits) {
            fail("%s: exactly remaining units must fit, after %s gave %s", trace, step, result);
          }
        });
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void afterExpiryNanosOfIdlenessTheStateDecidesAsAFreshOne(Algorithm algorithm) {
    forEachStep(
        algorithm,
        false,
        (trace, key, step, result) -> {
          if (algorithm == Algorithm.TOKEN_BUCKET && step.limit() == 0) {
            // A limit of 0 leaves the bucket as it was, and its expiry is one window; the debt left
            // by
            // an earlier limit L can outlast that by (L * ceil(window / L) - window) < L ns.
            return;
          }
          long idle = trace.now + step.expiryNanos();
          for (long limit : new long[] {Math.max(1, step.limit()), 1 + trace.random.nextInt(50)}) {
            for (long cost : new long[] {1, limit}) {
              Step probe = Step.acquire(algorithm, trace.window, limit, cost);
              StepResult stored = key.probe(probe, idle);
              StepResult fresh = new KeyState().apply(probe, idle);
              if (!sameDecision(stored, fresh)) {
                fail(
                    "%s: %s at the expiry of %s gave %s, a fresh key %s",
                    trace, probe, step, stored, fresh);
              }
            }
          }
        });
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void aReleaseRightAfterItsAcquireUndoesIt(Algorithm algorithm) {
    forEachStep(
        algorithm,
        false,
        (trace, key, step, result) -> {
          if (step.release() || !result.allowed()) {
            return;
          }
          KeyState undone = key.copy();
          undone.apply(
              Step.release(
                  algorithm,
                  trace.window,
                  step.limit(),
                  step.cost(),
                  result.stampNanos(),
                  result.generation()),
              trace.now);
          KeyState before = trace.before.copy();
          // a request above the limit consumes nothing but, like the acquire, moves the state to
          // this
          // limit (a token bucket converts its debt at the rate of the moment)
          before.apply(
              Step.acquire(algorithm, trace.window, step.limit(), step.limit() + 1), trace.now);
          for (long later : new long[] {0, trace.window / 3, trace.window}) {
            for (long cost : new long[] {1, step.limit()}) {
              Step probe = Step.acquire(algorithm, trace.window, step.limit(), cost);
              StepResult expected = before.probe(probe, trace.now + later);
              StepResult actual = undone.probe(probe, trace.now + later);
              if (!sameDecision(actual, expected)) {
                fail(
                    "%s: after %s and its release, %s gave %s, without them %s",
                    trace, step, probe, actual, expected);
              }
            }
          }
        });
  }

  @Test
  void theRandomTracesAdmitRejectAndRelease() {
    // guards the traces above against testing nothing: they must reject, admit and release
    int[] seen = new int[3];
    for (Algorithm algorithm : Algorithm.values()) {
      forEachStep(
          algorithm,
          true,
          (trace, key, step, result) -> {
            seen[step.release() ? 2 : result.allowed() ? 0 : 1]++;
          });
    }
    assertThat(seen[0]).as("admitted").isGreaterThan(TRACES);
    assertThat(seen[1]).as("rejected").isGreaterThan(TRACES);
    assertThat(seen[2]).as("released").isGreaterThan(TRACES);
  }

  // ---------------------------------------------------------------- traces

  /** A check run after every step of every trace. */
  @FunctionalInterface
  private interface StepCheck {
    void check(Trace trace, KeyState key, Step step, StepResult result);
  }

  private static void forEachStep(Algorithm algorithm, boolean backwards, StepCheck check) {
    for (int i = 0; i < TRACES; i++) {
      Trace trace = new Trace(algorithm, 31L * i + algorithm.code(), backwards);
      KeyState key = new KeyState();
      for (int s = 0; s < STEPS; s++) {
        Step step = trace.next();
        trace.before = key.copy();
        StepResult result = key.apply(step, trace.now);
        trace.record(step, result);
        check.check(trace, key, step, result);
      }
    }
  }

  /** Random steps on one key; {@link #toString} names the seed that reproduces it. */
  private static final class Trace {
    final SplittableRandom random;
    final long seed;
    final Algorithm algorithm;
    final long window;
    final boolean backwards;
    final List<long[]> stamps = new ArrayList<>(); // stamp and generation of each acquire
    long limit;
    long now;
    KeyState before = new KeyState();

    Trace(Algorithm algorithm, long seed, boolean backwards) {
      this.random = new SplittableRandom(seed);
      this.seed = seed;
      this.algorithm = algorithm;
      this.backwards = backwards;
      this.window = WINDOWS[random.nextInt(WINDOWS.length)];
      this.limit = 1L + random.nextInt(random.nextBoolean() ? 5 : 50);
      this.now = T0 + random.nextLong(window);
    }

    Step next() {
      now += gap();
      int dice = random.nextInt(100);
      if (dice < 5) {
        limit = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(50);
      }
      if (dice >= 88 && !stamps.isEmpty()) {
        long[] taken = stamps.get(random.nextInt(stamps.size()));
        return Step.release(algorithm, window, limit, cost(), taken[0], taken[1]);
      }
      return Step.acquire(algorithm, window, limit, cost());
    }

    void record(Step step, StepResult result) {
      if (!step.release() && result.allowed()) {
        stamps.add(new long[] {result.stampNanos(), result.generation()});
      }
    }

    private long cost() {
      int dice = random.nextInt(10);
      return dice < 7 ? 1 : dice < 9 ? 1 + random.nextLong(Math.max(1, limit)) : limit + 1;
    }

    private long gap() {
      if (backwards && random.nextInt(25) == 0) {
        return -random.nextLong(window + 1);
      }
      int dice = random.nextInt(100);
      if (dice < 20) {
        return 0;
      }
      if (dice < 80) {
        return random.nextLong(1 + 2 * window / Math.max(1, limit));
      }
      return random.nextLong(1 + (dice < 95 ? window : 3 * window));
    }

    @Override
    public String toString() {
      return String.format(
          "%s trace seed %d (window %d ns, backwards %b) at %d",
          algorithm, seed, window, backwards, now);
    }
  }

  /** Whether two results decided alike; their generations name different states. */
  private static boolean sameDecision(StepResult a, StepResult b) {
    return a.allowed() == b.allowed()
        && a.limit() == b.limit()
        && a.remaining() == b.remaining()
        && a.resetAfterNanos() == b.resetAfterNanos()
        && a.retryAfterNanos() == b.retryAfterNanos()
        && a.stampNanos() == b.stampNanos();
  }
}
