/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.failover;

import dev.limiter.Clock;
import dev.limiter.algorithm.States;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import dev.limiter.spi.StoreException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
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

  private static final System.Logger LOGGER = System.getLogger(FailoverStore.class.getName());

  /**
   * Marks the generation of a decision of the local fallback (above the state's own 32 bits), so
   * that its release goes back to the local fallback and never to the wrapped store.
   */
  private static final long LOCAL_DECISION = 1L << 32;

  /** The failure domain of every key when none is configured: one circuit for the store. */
  private static Object oneDomain(String key) {
    return "the store";
  }

  /** The domain of keys whose domain function answers null (a partition without an owner). */
  private static final String UNKNOWN_DOMAIN = "an unknown place";

  /** Past this many circuits, closed ones are forgotten (members come and go). */
  private static final int MAX_CIRCUITS = 64;

  private final RateLimitStore primary;
  private final FailureMode mode;
  private final Clock clock;
  private final String name;
  private final int failureThreshold;
  private final long openIntervalNanos;
  private final long logIntervalNanos;
  private final @Nullable LocalStore local;

  private final Function<String, ? extends @Nullable Object> domainOf;
  private final IntSupplier fallbackNodes;

  /** The circuit of the one domain when no failure domains are configured. */
  private final @Nullable Circuit single;

  private final Map<Object, Circuit> circuits = new ConcurrentHashMap<>();
  private volatile @Nullable StoreException lastFailure;
  private final LongAdder failures = new LongAdder();
  private final LongAdder fallbacks = new LongAdder();
  private final AtomicLong nextReportAt;
  private final AtomicLong reportedFallbacks = new AtomicLong();
  private final AtomicLong reportedFailures = new AtomicLong();

  private FailoverStore(Builder builder) {
    this.primary = builder.primary;
    this.mode = builder.mode;
    this.clock = builder.clock;
    this.name = builder.name;
    this.failureThreshold = builder.failureThreshold;
    this.openIntervalNanos = builder.openInterval.toNanos();
    this.logIntervalNanos = builder.logInterval.toNanos();
    this.local =
        mode == FailureMode.LOCAL_FALLBACK
            ? new LocalStore(builder.fallbackMaximumSize, clock)
            : null;
    this.nextReportAt = new AtomicLong(clock.epochNanos());
    this.domainOf = builder.domainOf != null ? builder.domainOf : FailoverStore::oneDomain;
    this.fallbackNodes = builder.fallbackNodes;
    this.single = builder.domainOf == null ? new Circuit("the store") : null;
  }

  /**
   * The breaker of one failure domain: the keys whose calls go to the same place (a cluster member)
   * fail together, and open and probe their own circuit.
   */
  private final class Circuit {
    final String name;
    final AtomicInteger consecutiveFailures = new AtomicInteger();
    final AtomicBoolean probing = new AtomicBoolean();
    volatile long lastFailureAt;
    volatile @Nullable StoreException lastFailure;

    Circuit(String name) {
      this.name = name;
    }

    boolean open() {
      return consecutiveFailures.get() >= failureThreshold;
    }
  }

  private Circuit circuit(String key) {
    Circuit circuit = single;
    if (circuit != null) {
      return circuit;
    }
    Object domain = domainOf.apply(key);
    Object id = domain == null ? UNKNOWN_DOMAIN : domain;
    circuit = circuits.get(id);
    if (circuit == null) {
      if (circuits.size() >= MAX_CIRCUITS) {
        circuits
            .values()
            .removeIf(c -> c.consecutiveFailures.get() == 0); // closed ones hold nothing
      }
      circuit = circuits.computeIfAbsent(id, d -> new Circuit(String.valueOf(d)));
    }
    return circuit;
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
    return new Builder(primary);
  }

  @Override
  public void apply(String key, Step step, StepResult result) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(result, "result");
    Circuit circuit = circuit(key);
    if (step.release()) {
      release(key, step, circuit, result);
      return;
    }
    if (!circuit.open()) {
      call(key, step, circuit, result);
      return;
    }
    long now = clock.epochNanos();
    long sinceFailure = now - circuit.lastFailureAt;
    boolean waiting = sinceFailure >= 0 && sinceFailure < openIntervalNanos;
    if (waiting || !circuit.probing.compareAndSet(false, true)) {
      fallback(key, step, circuit, now, result);
      return;
    }
    try {
      call(key, step, circuit, result);
    } finally {
      circuit.probing.set(false);
    }
  }

  private void call(String key, Step step, Circuit circuit, StepResult result) {
    try {
      primary.apply(key, step, result);
    } catch (StoreException e) {
      fallback(key, step, circuit, failed(circuit, e), result);
      return;
    }
    if (circuit.consecutiveFailures.get() != 0) {
      recovered(circuit);
    }
  }

  /** Counts a failed call of the wrapped store and returns the time of the failure. */
  private long failed(Circuit circuit, StoreException e) {
    long now = clock.epochNanos();
    failures.increment();
    lastFailure = e;
    circuit.lastFailure = e;
    circuit.lastFailureAt = now;
    circuit.consecutiveFailures.incrementAndGet();
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
    } else if ((generation & ~States.GENERATION_MASK) == LOCAL_DECISION) {
      Step own =
          Step.release(
              step.algorithm(),
              step.windowNanos(),
              share(step.limit()),
              step.cost(),
              step.stampNanos(),
              generation & States.GENERATION_MASK);
      if (local != null) {
        local.apply(key, own, result);
      } else {
        States.nothingGivenBack(own, clock.epochNanos(), result);
      }
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

  private void recovered(Circuit circuit) {
    int streak = circuit.consecutiveFailures.getAndSet(0);
    if (streak == 0) {
      return; // another thread saw the recovery first
    }
    if (streak >= failureThreshold) {
      LOGGER.log(
          Level.INFO,
          () ->
              String.format(
                  Locale.ROOT,
                  "Rate-limit store %s answers again for %s after %d failures in a row; deciding on"
                      + " it again",
                  name,
                  circuit.name,
                  streak));
    }
  }

  private void fallback(String key, Step step, Circuit circuit, long now, StepResult result) {
    fallbacks.increment();
    report(now);
    switch (mode) {
      case FAIL_OPEN -> {
        step.applyTo(step.prepare(null), now, result);
        result.setGeneration(0); // no state kept the units: a release gives back nothing
      }
      case FAIL_CLOSED -> throw unavailable(circuit, now);
      case LOCAL_FALLBACK -> {
        long share = share(step.limit());
        Step shared =
            share == step.limit()
                ? step
                : Step.acquire(step.algorithm(), step.windowNanos(), share, step.cost());
        Objects.requireNonNull(local, "local").apply(key, shared, result);
        result.setGeneration(result.generation() | LOCAL_DECISION);
      }
    }
  }

  /**
   * This node's share of a limit in the local fallback: the limit divided by the number of nodes
   * that may fall back at once, rounded down, so that together they add at most one limit.
   */
  private long share(long limit) {
    int nodes = Math.max(1, fallbackNodes.getAsInt());
    return limit / nodes;
  }

  private StoreException unavailable(Circuit circuit, long now) {
    StoreException cause = circuit.lastFailure;
    Duration retryAfter;
    if (circuit.open()) {
      long untilProbe = circuit.lastFailureAt + openIntervalNanos - now;
      retryAfter = Duration.ofNanos(Math.max(1_000_000L, Math.min(untilProbe, openIntervalNanos)));
    } else {
      retryAfter = cause != null ? cause.retryAfter() : Duration.ofNanos(openIntervalNanos);
    }
    String message =
        String.format(
            Locale.ROOT,
            "rate-limit store %s cannot answer and the failure mode is FAIL_CLOSED: %s",
            name,
            cause != null ? cause.getMessage() : "no answer");
    return new StoreException(message, cause, retryAfter);
  }

  /** Logs a summary at most once per interval, whichever thread gets there first. */
  private void report(long now) {
    long next = nextReportAt.get();
    if (now - next < 0 || !nextReportAt.compareAndSet(next, now + logIntervalNanos)) {
      return;
    }
    long fallbackCount = fallbacks.sum();
    long failureCount = failures.sum();
    long newFallbacks = fallbackCount - reportedFallbacks.getAndSet(fallbackCount);
    long newFailures = failureCount - reportedFailures.getAndSet(failureCount);
    StoreException cause = lastFailure;
    if (LOGGER.isLoggable(Level.WARNING)) {
      LOGGER.log(
          Level.WARNING,
          String.format(
              Locale.ROOT,
              "Rate-limit store %s is not answering: %d requests decided by %s since the last"
                  + " report (%d store calls failed, circuit %s); last error: %s",
              name,
              newFallbacks,
              describe(mode),
              newFailures,
              circuitOpen() ? "open" : "closed",
              cause != null ? cause.getMessage() : "none"),
          cause);
    }
  }

  private static String describe(FailureMode mode) {
    return switch (mode) {
      case FAIL_OPEN -> "FAIL_OPEN (served without limit)";
      case FAIL_CLOSED -> "FAIL_CLOSED (refused with 503)";
      case LOCAL_FALLBACK -> "LOCAL_FALLBACK (limited on this node alone)";
    };
  }

  /**
   * Returns the number of calls to the wrapped store that failed since this store was built.
   *
   * @return the count of {@link StoreException}s caught
   */
  public long failures() {
    return failures.sum();
  }

  /**
   * Returns the number of requests that the failure mode decided since this store was built: those
   * whose call failed and those not sent while the circuit was open.
   *
   * @return the count of fallback decisions
   */
  public long fallbacks() {
    return fallbacks.sum();
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
    Circuit circuit = single;
    if (circuit != null) {
      return circuit.open();
    }
    for (Circuit domain : circuits.values()) {
      if (domain.open()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns whether the circuit of {@code key}'s failure domain is open, so that its requests are
   * decided by the failure mode without calling the store.
   *
   * @param key a store key
   * @return true while that key's domain is left alone
   */
  public boolean circuitOpen(String key) {
    return circuit(key).open();
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
    if (local != null) {
      local.clear();
    }
    primary.close();
  }

  @Override
  public String toString() {
    return "FailoverStore[" + name + ", " + mode + "]";
  }

  /** Builds a {@link FailoverStore}. */
  public static final class Builder {
    private final RateLimitStore primary;
    private FailureMode mode = FailureMode.FAIL_OPEN;
    private Clock clock = Clock.system();
    private String name;
    private int failureThreshold = DEFAULT_FAILURE_THRESHOLD;
    private Duration openInterval = DEFAULT_OPEN_INTERVAL;
    private Duration logInterval = DEFAULT_LOG_INTERVAL;
    private int fallbackMaximumSize = DEFAULT_FALLBACK_MAXIMUM_SIZE;
    private @Nullable Function<String, ? extends @Nullable Object> domainOf;
    private IntSupplier fallbackNodes = () -> 1;

    private Builder(RateLimitStore primary) {
      this.primary = Objects.requireNonNull(primary, "primary");
      this.name = primary.getClass().getSimpleName();
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
     * Sets the clock for the breaker's intervals, the log interval and the local fallback.
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
     * Builds the store.
     *
     * @return the store
     */
    public FailoverStore build() {
      return new FailoverStore(this);
    }
  }
}
