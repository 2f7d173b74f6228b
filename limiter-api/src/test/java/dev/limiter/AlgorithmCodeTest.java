/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.spi.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The algorithm codes are written into every stored state and sent between cluster members: these
 * numbers are pinned, so that a reordered enum or a new constant cannot change what a state or
 * message written by an earlier version means.
 */
class AlgorithmCodeTest {

  @ParameterizedTest
  @CsvSource({"SLIDING_WINDOW, 0", "FIXED_WINDOW, 1", "TOKEN_BUCKET, 2"})
  void eachAlgorithmKeepsItsCode(Algorithm algorithm, int code) {
    assertThat(algorithm.code()).isEqualTo(code);
    assertThat(Algorithm.ofCode(code)).isSameAs(algorithm);
  }

  @Test
  void everyAlgorithmHasACodeOfItsOwn() {
    assertThat(Algorithm.values())
        .extracting(Algorithm::code)
        .doesNotHaveDuplicates()
        .allMatch(code -> code >= 0 && code <= 3, "fits the state tag's two bits");
  }

  @Test
  void anUnknownCodeSaysWhatItMayBe() {
    assertThatThrownBy(() -> Algorithm.ofCode(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no algorithm has code 3; was it written by a newer version of limiter?");
  }

  /** A state's first element: the window in nanoseconds shifted left by two, then the code. */
  @ParameterizedTest
  @CsvSource({"SLIDING_WINDOW, 4000000000", "FIXED_WINDOW, 4000000001", "TOKEN_BUCKET, 4000000002"})
  void aStateTagIsTheWindowAndTheCode(Algorithm algorithm, long tag) {
    long[] state = Step.acquire(algorithm, 1_000_000_000L, 10, 1).prepare(null);

    assertThat(state[0]).isEqualTo(tag);
  }
}
