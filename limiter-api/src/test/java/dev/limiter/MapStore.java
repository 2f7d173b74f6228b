/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import java.util.HashMap;
import java.util.Map;

/** The simplest correct store: one lock around a map. A reference for the engine's tests. */
final class MapStore implements RateLimitStore {

  private final Map<String, long[]> states = new HashMap<>();
  private final Clock clock;

  MapStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void apply(String key, Step step, StepResult result) {
    long[] state = step.prepare(states.get(key));
    step.applyTo(state, clock.epochNanos(), result);
    states.put(key, state);
  }

  synchronized int size() {
    return states.size();
  }

  synchronized java.util.List<String> keys() {
    return java.util.List.copyOf(states.keySet());
  }

  synchronized boolean has(String key) {
    return states.containsKey(key);
  }
}
