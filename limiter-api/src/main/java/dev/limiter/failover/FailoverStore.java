/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.failover;

import dev.limiter.Clock;
import dev.limiter.RateLimitListener;
import dev.limiter.algorithm.States;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import dev.limiter.spi.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RateLimitStore} that answers by its {@link FailureMode} when the store it wraps cannot
 * (throws {@link StoreException}), and stops calling that store for a while after repeated
 * failures, so that a dead backend costs microseconds per request rather than its time budget.
 *
 * <pre>{@code
 * RateLimitStore store = FailoverStore.builder(clusterStore)
 *     .mode(FailureMode.LOCAL_FALLBACK)
 *     .failureThreshold(3)
 *     .openInterval(Duration.ofSeconds(1))
 *     .build();
 * }</pre>
 *
 * <p>A circuit breaker guards the wrapped store. While it is closed, every call goes through. After
 * {@code failureThreshold} failures in a row it opens: for {@code openInterval} after the last
 * failure no call goes through and the failure mode answers at once. Then one request probes the
 * store (the others keep getting the failure mode's answer while it is in flight); if the probe
 * succeeds the circuit closes, if not it stays open for another interval. With {@linkplain
 * Builder#failureDomain failure domains} (a cluster's members) each domain has its own circuit, and
 * a member that does not answer sends only its own keys to the failure mode.
 *
 * <p>What the failure mode answers:
 *
 * <ul>
 *   <li>{@link FailureMode#FAIL_OPEN}: the step decided on a fresh state, as if the key were new;
 *       so the request is served unless no state could ever admit it (a limit of 0, a cost above
 *       the limit);
 *   <li>{@link FailureMode#FAIL_CLOSED}: a {@link StoreException} whose {@link
 *       StoreException#retryAfter()} is the time until the next probe (or the wrapped store's own
 *       suggestion before the circuit opens);
 *   <li>{@link FailureMode#LOCAL_FALLBACK}: the step applied to a bounded in-memory store of this
 *       process, under this node's {@linkplain Builder#fallbackShare share} of the limit. Its
 *       counts are kept until their window has passed, through every answer of the wrapped store in
 *       between, so that however the wrapped store flaps a key is admitted at most its limit by the
 *       wrapped store plus, across all nodes, one more limit in any window.
 * </ul>
 *
 * <p>Failures are logged through {@link System.Logger} (logger {@code
 * dev.limiter.failover.FailoverStore}) at {@code WARNING} at most once per {@code logInterval},
 * with how many requests the failure mode decided since the last report; recovery after the circuit
 * was open is logged at {@code INFO}. {@link #failures()} and {@link #fallbacks()} count for
 * metrics.
 *
 * <p>Thread-safe. Time is read from the configured clock: the breaker's intervals and the local
 * fallback's windows.
 */
public final class FailoverStore implements RateLimitStore {

  /** The default number of failures in a row that opens the circuit: 3. */
  public static final int DEFAULT_FAILURE_THRESHOLD = 3;

  /** The default time the circuit stays open before one request probes the store: 1 second. */
  public static final Duration DEFAULT_OPEN_INTERVAL = Duration.ofSeconds(1);

  /** The default shortest time between two failure reports in the log: 1 minute. */
  public static final Duration DEFAULT_LOG_INTERVAL = Duration.ofMinutes(1);

  /** The default bound on keys held by the local fallback: 100,000. */
  public static final int DEFAULT_FALLBACK_MAXIMUM_SIZE = 100_000;

  private final RateLimitStore primary;
  private final FailureMode mode;
  private final Clock clock;
  private final String name;
  private final Circuits circuits;
  private final FailureLog log;
  private final LocalFallback local;

  /** The builder's listeners, guarded; null when none is registered, so that none costs a thing. */
  private final @Nullable RateLimitListener listener;

  private FailoverStore(Builder builder, RateLimitStore primary) {
    this.primary = primary;
    this.mode = builder.mode;
    this.clock = builder.clock;
    this.name = builder.name != null ? builder.name : primary.getClass().getSimpleName();
    this.circuits =
        new Circuits(builder.failureThreshold, builder.openInterval.toNanos(), builder.domainOf);
    this.log =
        new FailureLog(
            name, mode, builder.logInterval.toNanos(), circuits::anyOpen, clock.epochNanos());
    this.local =
        new LocalFallback(
            mode == FailureMode.LOCAL_FALLBACK
                ? new LocalStore(builder.fallbackMaximumSize, clock)
                : null,
            builder.fallbackNodes,
            clock);
    this.listener =
        builder.listeners.isEmpty() ? null : RateLimitListener.of(clock, builder.listeners);
  }

  /**
   * Returns a builder for a store that wraps {@code primary}.
   *
   * @param primary the store to guard, which throws {@link StoreException} when it cannot answer
   * @return a builder with the defaults: {@link FailureMode#FAIL_OPEN}, the system clock, {@value
   *     #DEFAULT_FAILURE_THRESHOLD} failures to open the circuit, open for 1 second, a log report
   *     at most once a minute, {@value #DEFAULT_FALLBACK_MAXIMUM_SIZE} keys in the local fallback
   */
  public static Builder builder(RateLimitStore primary) {
    return new Builder(Objects.requireNonNull(primary, "primary"));
  }

  /**
   * Returns a builder whose store to wrap is given last, to {@link Builder#build(RateLimitStore)}:
   * for a store that takes its users' failure options before the store it wraps exists, such as a
   * cluster store that connects in its own {@code build()}.
   *
   * <pre>{@code
   * FailoverStore.Builder failover = FailoverStore.builder().failureThreshold(5);
   * // later, once the store to guard is connected
   * RateLimitStore store = failover.build(clusterStore);
   * }</pre>
   *
   * @return a builder with the defaults of {@link #builder(RateLimitStore)} and no store yet
   */
  public static Builder builder() {
    return new Builder(null);
  }

  @Override
  public void apply(String key, Step step, StepResult result) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(result, "result");
    Circuit circuit = circuits.of(key);
    if (step.release()) {
      release(key, step, circuit, result);
      return;
    }
    if (!circuit.open()) {
      call(key, step, circuit, result);
      return;
    }
    long now = clock.epochNanos();
    if (!circuit.startProbe(now)) {
      fallback(key, step, circuit, now, result);
      return;
    }
    try {
      call(key, step, circuit, result);
    } finally {
      circuit.endProbe();
    }
  }

  private void call(String key, Step step, Circuit circuit, StepResult result) {
    try {
      primary.apply(key, step, result);
    } catch (StoreException e) {
      fallback(key, step, circuit, failed(circuit, e), result);
      return;
    }
    if (circuit.failing()) {
      int streak = circuit.succeeded();
      if (streak != 0) {
        log.recovered(circuit, streak);
        if (listener != null) {
          listener.circuitClosed(name, circuit.name(), streak);
        }
      }
    }
  }

  /** Counts a failed call of the wrapped store and returns the time of the failure. */
  private long failed(Circuit circuit, StoreException e) {
    long now = clock.epochNanos();
    log.failed(e);
    boolean opened = circuit.failed(e, now);
    if (listener != null) {
      listener.storeFailed(name, e);
      if (opened) {
        listener.circuitOpened(name, circuit.name(), e);
      }
    }
    return now;
  }

  /**
   * Gives units back where the acquire took them: to the local fallback for its own decisions,
   * nowhere for a decision on a fresh state (generation 0), else to the wrapped store while it is
   * being called. A give-back that cannot be made leaves the units counted until their time has
   * passed: stricter for a while, never looser.
   */
  private void release(String key, Step step, Circuit circuit, StepResult result) {
    long generation = step.generation();
    if (generation == 0) {
      States.nothingGivenBack(step, clock.epochNanos(), result);
    } else if (LocalFallback.decided(generation)) {
      local.release(key, step, result);
    } else if (circuit.open()) {
      States.nothingGivenBack(step, clock.epochNanos(), result);
    } else {
      try {
        primary.apply(key, step, result);
      } catch (StoreException e) {
        States.nothingGivenBack(step, failed(circuit, e), result);
      }
    }
  }

  private void fallback(String key, Step step, Circuit circuit, long now, StepResult result) {
    log.fallback(now);
    if (listener != null) {
      listener.failureModeAnswered(name, mode, key);
    }
    switch (mode) {
      case FAIL_OPEN -> {
        step.applyTo(step.prepare(null), now, result);
        result.setGeneration(0); // no state kept the units: a release gives back nothing
      }
      case FAIL_CLOSED -> throw circuit.unavailable(name, now);
      case LOCAL_FALLBACK -> local.acquire(key, step, result);
    }
  }

  /**
   * Returns the number of calls to the wrapped store that failed since this store was built.
   *
   * @return the count of {@link StoreException}s caught
   */
  public long failures() {
    return log.failures();
  }

  /**
   * Returns the number of requests that the failure mode decided since this store was built: those
   * whose call failed and those not sent while the circuit was open.
   *
   * @return the count of fallback decisions
   */
  public long fallbacks() {
    return log.fallbacks();
  }

  /**
   * Returns whether a circuit is open: the wrapped store failed {@code failureThreshold} times in a
   * row, for every key or for the keys of one {@linkplain Builder#failureDomain failure domain},
   * and has not answered since.
   *
   * @return true while some requests are being decided by the failure mode without calling the
   *     store
   */
  public boolean circuitOpen() {
    return circuits.anyOpen();
  }

  /**
   * Returns whether the circuit of {@code key}'s failure domain is open, so that its requests are
   * decided by the failure mode without calling the store.
   *
   * @param key a store key
   * @return true while that key's domain is left alone
   */
  public boolean circuitOpen(String key) {
    return circuits.of(key).open();
  }

  /**
   * Returns the failure mode.
   *
   * @return the mode
   */
  public FailureMode mode() {
    return mode;
  }

  /** Closes the wrapped store and drops the local fallback's keys. */
  @Override
  public void close() {
    local.clear();
    primary.close();
  }

  @Override
  public String toString() {
    return "FailoverStore[" + name + ", " + mode + "]";
  }

  /** Builds a {@link FailoverStore}. */
  public static final class Builder {
    private final @Nullable RateLimitStore primary;
    private FailureMode mode = FailureMode.FAIL_OPEN;
    private Clock clock = Clock.system();
    private @Nullable String name;
    private int failureThreshold = DEFAULT_FAILURE_THRESHOLD;
    private Duration openInterval = DEFAULT_OPEN_INTERVAL;
    private Duration logInterval = DEFAULT_LOG_INTERVAL;
    private int fallbackMaximumSize = DEFAULT_FALLBACK_MAXIMUM_SIZE;
    private @Nullable Function<String, ? extends @Nullable Object> domainOf;
    private IntSupplier fallbackNodes = () -> 1;
    private final List<RateLimitListener> listeners = new ArrayList<>();

    private Builder(@Nullable RateLimitStore primary) {
      this.primary = primary;
    }

    /**
     * Adds a listener that hears what this store does when the store it wraps cannot answer: {@link
     * RateLimitListener#storeFailed failed calls}, {@link RateLimitListener#failureModeAnswered the
     * failure mode's answers}, and the circuit {@link RateLimitListener#circuitOpened opening} and
     * {@link RateLimitListener#circuitClosed closing}. Several may be added; each is guarded as
     * {@link RateLimitListener} says, its failures logged at most once a minute by this builder's
     * {@link #clock(Clock) clock}. The engine's events (decisions, refunds) come from {@link
     * dev.limiter.RateLimiter.Builder#listener}, where the same listener may be registered too.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(RateLimitListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Sets what to answer while the wrapped store cannot.
     *
     * @param mode the failure mode
     * @return this builder
     */
    public Builder mode(FailureMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Sets the clock for the breaker's intervals, the log interval (the store's and its listeners')
     * and the local fallback.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Names the wrapped store in log messages and exceptions, such as {@code hazelcast map
     * ratelimit}.
     *
     * @param name the name, not blank
     * @return this builder
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      this.name = name;
      return this;
    }

    /**
     * Sets how many failures in a row open the circuit.
     *
     * @param failureThreshold at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code failureThreshold} is below 1
     */
    public Builder failureThreshold(int failureThreshold) {
      if (failureThreshold < 1) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT, "failureThreshold must be at least 1, was %d", failureThreshold));
      }
      this.failureThreshold = failureThreshold;
      return this;
    }

    /**
     * Sets how long the circuit stays open after the last failure before one request probes the
     * wrapped store again.
     *
     * @param openInterval at least 1 millisecond
     * @return this builder
     * @throws IllegalArgumentException if {@code openInterval} is shorter than 1 millisecond
     */
    public Builder openInterval(Duration openInterval) {
      Objects.requireNonNull(openInterval, "openInterval");
      if (openInterval.compareTo(Duration.ofMillis(1)) < 0) {
        throw new IllegalArgumentException(
            "openInterval must be at least 1 ms, was " + openInterval);
      }
      this.openInterval = openInterval;
      return this;
    }

    /**
     * Sets the shortest time between two failure reports in the log.
     *
     * @param logInterval zero or more; zero logs every fallback decision
     * @return this builder
     * @throws IllegalArgumentException if {@code logInterval} is negative
     */
    public Builder logInterval(Duration logInterval) {
      Objects.requireNonNull(logInterval, "logInterval");
      if (logInterval.isNegative()) {
        throw new IllegalArgumentException("logInterval must not be negative, was " + logInterval);
      }
      this.logInterval = logInterval;
      return this;
    }

    /**
     * Bounds the number of keys the {@link FailureMode#LOCAL_FALLBACK} store holds; beyond it,
     * expired and then arbitrary keys are dropped and start afresh.
     *
     * @param fallbackMaximumSize at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code fallbackMaximumSize} is below 1
     */
    public Builder fallbackMaximumSize(int fallbackMaximumSize) {
      if (fallbackMaximumSize < 1) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "fallbackMaximumSize must be at least 1, was %d",
                fallbackMaximumSize));
      }
      this.fallbackMaximumSize = fallbackMaximumSize;
      return this;
    }

    /**
     * Judges failures per domain rather than for the whole store: the keys that {@code domainOf}
     * maps to one value (the cluster member that owns them, say) share a circuit, so that a place
     * that does not answer sends only its own keys to the failure mode while the others are decided
     * by the store as usual.
     *
     * @param domainOf the domain of a store key, compared with {@code equals}; null for a key whose
     *     domain is not known now (all such keys share one circuit)
     * @return this builder
     */
    public Builder failureDomain(Function<String, ? extends @Nullable Object> domainOf) {
      this.domainOf = Objects.requireNonNull(domainOf, "domainOf");
      return this;
    }

    /**
     * Divides each limit among the nodes whose local fallbacks may decide at once: with {@code n}
     * nodes, each node's {@link FailureMode#LOCAL_FALLBACK} admits at most {@code limit / n}
     * (rounded down) per key and window, so that all of them together add at most one limit to what
     * the store itself admits.
     *
     * @param nodes the number of nodes, read at each decision; below 1 counts as 1
     * @return this builder
     */
    public Builder fallbackShare(IntSupplier nodes) {
      this.fallbackNodes = Objects.requireNonNull(nodes, "nodes");
      return this;
    }

    /**
     * Builds the store around the store given to {@link FailoverStore#builder(RateLimitStore)}.
     *
     * @return the store
     * @throws IllegalStateException if this builder came from {@link FailoverStore#builder()},
     *     which takes its store in {@link #build(RateLimitStore)}
     */
    public FailoverStore build() {
      if (primary == null) {
        throw new IllegalStateException(
            "this builder has no store to wrap: give it to FailoverStore.builder(store), or build"
                + " with build(store)");
      }
      return new FailoverStore(this, primary);
    }

    /**
     * Builds a store around {@code primary}, rather than any store given to {@link
     * FailoverStore#builder(RateLimitStore)}, with this builder's settings. Unless {@link #name}
     * was set, the store is named after {@code primary}'s class. The builder may build again.
     *
     * @param primary the store to guard, which throws {@link StoreException} when it cannot answer
     * @return the store
     */
    public FailoverStore build(RateLimitStore primary) {
      return new FailoverStore(this, Objects.requireNonNull(primary, "primary"));
    }
  }
}
