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
  public synchronized StepResult apply(String key, Step step) {
    long[] state = step.prepare(states.get(key));
    StepResult result = step.applyTo(state, clock.epochNanos());
    states.put(key, state);
    return result;
  }

  synchronized int size() {
    return states.size();
  }

  synchronized boolean has(String key) {
    return states.containsKey(key);
  }
}
