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
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the stores of this project know of a state beyond the SPI: the store bits, in-place updates.
 */
class StatesTest {

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void theStoreBitsAreKeptByEveryStepAndIgnoredByPrepare(Algorithm algorithm) {
    long window = Step.MAX_WINDOW_NANOS; // the longest window still leaves the top bits free
    Step step = Step.acquire(algorithm, window, 3, 1);
    long[] state = step.prepare(null);
    assertThat(States.storeBits(state)).isZero();
    long[] plain = state.clone();
    States.setStoreBits(state, 7);
    assertThat(States.storeBits(state)).isEqualTo(7);
    assertThat(step.prepare(state)).isSameAs(state);
    assertThat(Step.expiryNanosOf(state)).isEqualTo(Step.expiryNanosOf(plain));
    StepResult marked = step.applyTo(state, 1_000_000_000L);
    assertThat(marked).isEqualTo(step.applyTo(plain, 1_000_000_000L));
    assertThat(States.storeBits(state)).isEqualTo(7);
    States.setStoreBits(state, 2);
    assertThat(States.storeBits(state)).isEqualTo(2);
    state[0] &= -1L >>> States.STORE_BITS;
    assertThat(state).isEqualTo(plain);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> States.setStoreBits(state, 8))
        .withMessage("store bits are from 0 to 7, was 8");
  }

  @Test
  void updatesInPlaceIsFalseWhenAStepWouldReplaceTheStateOrChangeItsExpiry() {
    long minute = 60_000_000_000L;
    Step sliding = Step.acquire(SLIDING_WINDOW, minute, 10, 1);
    long[] state = sliding.prepare(null);
    sliding.applyTo(state, 5);
    assertThat(States.updatesInPlace(sliding, state)).isTrue();
    assertThat(States.updatesInPlace(Step.acquire(SLIDING_WINDOW, minute, 99, 3), state)).isTrue();
    assertThat(States.updatesInPlace(Step.acquire(SLIDING_WINDOW, 2 * minute, 10, 1), state))
        .isFalse();
    assertThat(States.updatesInPlace(Step.acquire(FIXED_WINDOW, minute, 10, 1), state)).isFalse();
    assertThat(States.updatesInPlace(sliding, new long[3])).isFalse();

    Step bucket = Step.acquire(TOKEN_BUCKET, minute, 10, 1); // one unit every 6 s
    long[] tokens = bucket.prepare(null);
    assertThat(States.updatesInPlace(bucket, tokens))
        .as("a fresh bucket has no interval yet")
        .isFalse();
    bucket.applyTo(tokens, 5);
    assertThat(States.updatesInPlace(bucket, tokens)).isTrue();
    assertThat(States.updatesInPlace(Step.acquire(TOKEN_BUCKET, minute, 10, 4), tokens)).isTrue();
    assertThat(States.updatesInPlace(Step.acquire(TOKEN_BUCKET, minute, 12, 1), tokens))
        .as("a new limit with a new interval changes the expiry")
        .isFalse();
    assertThat(States.updatesInPlace(Step.acquire(TOKEN_BUCKET, minute, 0, 1), tokens))
        .as("limit 0 leaves the interval alone")
        .isTrue();
  }
}
