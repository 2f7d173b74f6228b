/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StepResultTest {

  @Test
  void anEmptyHolderIsNotAllowedAndHoldsZeros() {
    StepResult empty = new StepResult();
    assertThat(empty.allowed()).isFalse();
    assertThat(empty).isEqualTo(new StepResult().set(false, 0, 0, 0, 0, 0));
  }

  @Test
  void setReplacesEveryValue() {
    StepResult holder = new StepResult().set(false, 10, 0, 7_000, 3_000, 100);
    assertThat(holder.set(true, 20, 19, 1_000, 0, 200)).isSameAs(holder);
    assertThat(holder.allowed()).isTrue();
    assertThat(holder.limit()).isEqualTo(20);
    assertThat(holder.remaining()).isEqualTo(19);
    assertThat(holder.resetAfterNanos()).isEqualTo(1_000);
    assertThat(holder.retryAfterNanos()).isZero();
    assertThat(holder.stampNanos()).isEqualTo(200);
  }

  @Test
  void invalidValuesAreRejectedAndLeaveTheHolderAsItWas() {
    StepResult holder = new StepResult().set(true, 10, 4, 1_000, 0, 100);
    StepResult before = copyOf(holder);
    assertThatThrownBy(() -> holder.set(true, 10, 11, 0, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("remaining must be between 0 and limit 10, was 11");
    assertThatThrownBy(() -> holder.set(false, 10, 1, -1, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be negative");
    assertThatThrownBy(() -> holder.set(true, 10, 1, 0, 5, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("an allowed result has retryAfterNanos 0, was 5");
    assertThat(holder).isEqualTo(before);
  }

  @Test
  void holdersWithTheSameValuesAreEqual() {
    StepResult a = new StepResult().set(false, 10, 2, 5_000, 2_000, 1_772_359_200_000_000_000L);
    a.setGeneration(77);
    StepResult b = copyOf(a);
    assertThat(b).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(copyOf(a).setGeneration(78)).isNotEqualTo(a);
    assertThat(b.set(false, 10, 2, 5_000, 2_001, 1_772_359_200_000_000_000L)).isNotEqualTo(a);
    assertThat(b.generation()).as("set() leaves no generation of the decision before").isZero();
    assertThat(a.toString())
        .isEqualTo(
            "StepResult[allowed=false, limit=10, remaining=2, resetAfterNanos=5000,"
                + " retryAfterNanos=2000, stampNanos=1772359200000000000, generation=77]");
  }

  private static StepResult copyOf(StepResult r) {
    return new StepResult()
        .set(
            r.allowed(),
            r.limit(),
            r.remaining(),
            r.resetAfterNanos(),
            r.retryAfterNanos(),
            r.stampNanos())
        .setGeneration(r.generation());
  }
}
