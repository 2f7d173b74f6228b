/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.failover;

import dev.limiter.Clock;
import dev.limiter.algorithm.States;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import java.util.Objects;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The {@link FailureMode#LOCAL_FALLBACK} of a {@link FailoverStore}: a {@link LocalStore} that
 * admits this node's share of each limit, and the mark on its decisions that sends their give-backs
 * to it rather than to the wrapped store.
 *
 * <p>The share is the limit divided by the number of nodes that may fall back at once, rounded
 * down, so that together they add at most one limit. In the other modes there is no local store,
 * and a give-back marked local (which this store never handed out) gives nothing back.
 */
final class LocalFallback {

  /**
   * Marks the generation of a decision of the local fallback (above the state's own 32 bits), so
   * that its release goes back to the local fallback and never to the wrapped store.
   */
  private static final long LOCAL_DECISION = 1L << 32;

  private final @Nullable LocalStore store;
  private final IntSupplier nodes;
  private final Clock clock;

  /**
   * @param store the local store, null in the modes that do not use one
   * @param nodes the number of nodes that share each limit, read at each decision
   */
  LocalFallback(@Nullable LocalStore store, IntSupplier nodes, Clock clock) {
    this.store = store;
    this.nodes = nodes;
    this.clock = clock;
  }

  /** Whether a decision of this generation was made by a local fallback. */
  static boolean decided(long generation) {
    return (generation & ~States.GENERATION_MASK) == LOCAL_DECISION;
  }

  /** Decides an acquire on the local store, under this node's share, and marks it local. */
  void acquire(String key, Step step, StepResult result) {
    long share = share(step.limit());
    Step shared =
        share == step.limit()
            ? step
            : Step.acquire(step.algorithm(), step.windowNanos(), share, step.cost());
    Objects.requireNonNull(store, "local").apply(key, shared, result);
    result.setGeneration(result.generation() | LOCAL_DECISION);
  }

  /** Gives back the units of a decision that {@link #decided} says was local. */
  void release(String key, Step step, StepResult result) {
    Step own =
        Step.release(
            step.algorithm(),
            step.windowNanos(),
            share(step.limit()),
            step.cost(),
            step.stampNanos(),
            step.generation() & States.GENERATION_MASK);
    LocalStore local = store;
    if (local != null) {
      local.apply(key, own, result);
    } else {
      States.nothingGivenBack(own, clock.epochNanos(), result);
    }
  }

  /** Drops every key, when the store that uses it closes. */
  void clear() {
    LocalStore local = store;
    if (local != null) {
      local.clear();
    }
  }

  private long share(long limit) {
    return limit / Math.max(1, nodes.getAsInt());
  }
}
