/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.algorithm;

import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import org.jspecify.annotations.Nullable;

/** One key's state, updated the way a store updates it, to test the algorithms without a store. */
final class KeyState {

  private long @Nullable [] state;

  KeyState() {}

  /** A key whose state starts as {@code initial} (a copy), or afresh when null. */
  KeyState(long @Nullable [] initial) {
    this.state = initial == null ? null : initial.clone();
  }

  /** The state as it is now, null before the first step. */
  long @Nullable [] stateOrNull() {
    return state;
  }

  /** The state as it is now; fails before the first step. */
  long[] state() {
    if (state == null) {
      throw new IllegalStateException("no step was applied yet");
    }
    return state;
  }

  /** Applies {@code step} at {@code nowNanos} and keeps the new state. */
  StepResult apply(Step step, long nowNanos) {
    long[] prepared = step.prepare(state);
    StepResult result = step.applyTo(prepared, nowNanos);
    state = prepared;
    return result;
  }

  /** Applies {@code step} to a copy, leaving this state as it was. */
  StepResult probe(Step step, long nowNanos) {
    return copy().apply(step, nowNanos);
  }

  KeyState copy() {
    KeyState copy = new KeyState();
    copy.state = state == null ? null : state.clone();
    return copy;
  }
}
