/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.micrometer;

import dev.limiter.LimitStatus;
import dev.limiter.MissingKey;
import dev.limiter.RateLimitListener;
import dev.limiter.RateLimitPolicy;
import dev.limiter.StoreUnavailable;
import dev.limiter.failover.FailureMode;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.StoreException;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.System.Logger.Level;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The limiter's events as Micrometer meters: a {@link RateLimitListener} for the engine and for a
 * failover store, and a {@link MeterBinder} that says which registry the meters go to.
 *
 * <pre>{@code
 * RateLimitMetrics metrics = RateLimitMetrics.of(registry);
 * RateLimitStore store = FailoverStore.builder(metrics.timed(clusterStore, "cluster"))
 *     .listener(metrics) // failures, fallbacks, circuits
 *     .build();
 * RateLimiter limiter = RateLimiter.builder()
 *     .store(store)
 *     .listener(metrics) // decisions, refunds, charges
 *     .build();
 * }</pre>
 *
 * <p>The meters, a stable contract (Prometheus names in brackets):
 *
 * <ul>
 *   <li>{@code ratelimit.decisions} counter, tags {@code policy} and {@code outcome}: {@code
 *       allowed}, {@code rejected}, {@code missing_key}, {@code exempt} or {@code unavailable},
 *       once per limit that decided ({@code ratelimit_decisions_total});
 *   <li>{@code ratelimit.refunds} counter, tags {@code policy} and {@code returned} ({@code true}
 *       or {@code false}), once per acquire given back ({@code ratelimit_refunds_total});
 *   <li>{@code ratelimit.charges} counter, tag {@code policy}, once per charge ({@code
 *       ratelimit_charges_total}); {@code ratelimit.charged.units} counter, tag {@code policy}, the
 *       units those charges took ({@code ratelimit_charged_units_total});
 *   <li>{@code ratelimit.store.failures} counter, tag {@code store} ({@code
 *       ratelimit_store_failures_total}); {@code ratelimit.store.fallbacks} counter, tags {@code
 *       store} and {@code mode}: {@code fail_open}, {@code fail_closed} or {@code local_fallback}
 *       ({@code ratelimit_store_fallbacks_total});
 *   <li>{@code ratelimit.circuit.open} gauge, tag {@code store}: the failure domains whose circuit
 *       is open now ({@code ratelimit_circuit_open});
 *   <li>{@code ratelimit.store.latency} timer, tags {@code store} and {@code outcome} ({@code
 *       success} or {@code failure}), for stores wrapped by {@link #timed(RateLimitStore, String)}
 *       ({@code ratelimit_store_latency_seconds});
 *   <li>{@code ratelimit.keys} gauge, tag {@code store}, for stores registered with {@link
 *       #keysHeld(String, LongSupplier)} ({@code ratelimit_keys}).
 * </ul>
 *
 * <p>Tags are bounded: a policy's name, a store's name and fixed words, never a key. As a defence
 * against names made from request data, at most {@link #DEFAULT_MAXIMUM_NAMES} distinct policy
 * names (and as many store names) get their own tag; the rest are counted under {@code
 * policy="other"} (or {@code store="other"}), and the first of them is logged once at {@code
 * WARNING} (logger {@code dev.limiter.micrometer.RateLimitMetrics}). Each store tracks at most
 * {@link #MAXIMUM_DOMAINS} open failure domains.
 *
 * <p>Events before {@link #bindTo(MeterRegistry)} are not counted. An event costs a map lookup and
 * an increment; the meters are found once per policy and store, not per event. The class is
 * thread-safe.
 */
public final class RateLimitMetrics implements RateLimitListener, MeterBinder {

  /** How many distinct policy names, and store names, get their own tag value by default. */
  public static final int DEFAULT_MAXIMUM_NAMES = 1_000;

  /** How many open failure domains a store's circuit gauge tracks at most. */
  public static final int MAXIMUM_DOMAINS = 1_024;

  /** The tag value that stands for every name past the limit. */
  public static final String OTHER = "other";

  private static final System.Logger LOGGER = System.getLogger(RateLimitMetrics.class.getName());

  private final int maximumNames;
  private final Map<String, LongSupplier> keyGauges = new ConcurrentHashMap<>();
  private volatile @Nullable Meters meters;

  /**
   * Returns metrics that are not bound yet: {@link #bindTo(MeterRegistry)} binds them (as Spring
   * Boot does with a {@link MeterBinder} bean), with the default limit of names.
   */
  public RateLimitMetrics() {
    this(DEFAULT_MAXIMUM_NAMES);
  }

  /**
   * Returns metrics that are not bound yet, giving at most {@code maximumNames} policy names (and
   * as many store names) their own tag value.
   *
   * @param maximumNames the limit of distinct names per tag, at least 1
   * @throws IllegalArgumentException if {@code maximumNames} is less than 1
   */
  public RateLimitMetrics(int maximumNames) {
    if (maximumNames < 1) {
      throw new IllegalArgumentException(
          String.format(Locale.ROOT, "maximumNames must be at least 1, was %d", maximumNames));
    }
    this.maximumNames = maximumNames;
  }

  /**
   * Returns metrics bound to {@code registry}, with the default limit of names.
   *
   * @param registry where the meters go
   * @return the metrics
   */
  public static RateLimitMetrics of(MeterRegistry registry) {
    RateLimitMetrics metrics = new RateLimitMetrics();
    metrics.bindTo(registry);
    return metrics;
  }

  /**
   * Binds these metrics to {@code registry}: the events from now on are counted there. Binding
   * again to the same registry does nothing.
   *
   * @param registry where the meters go
   * @throws IllegalStateException if the metrics are bound to another registry already (register a
   *     {@code CompositeMeterRegistry} to count in several)
   */
  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    Meters bound = meters;
    if (bound != null) {
      if (bound.registry != registry) {
        throw new IllegalStateException(
            "these RateLimitMetrics are bound to " + bound.registry + " already, not " + registry);
      }
      return;
    }
    Meters fresh = new Meters(registry);
    keyGauges.forEach((store, keys) -> fresh.registerKeys(store, keys));
    meters = fresh;
  }

  /**
   * Wraps {@code store} so that each {@link RateLimitStore#apply} is timed, by the registry's
   * clock, as {@code ratelimit.store.latency} with tags {@code store=name} and {@code outcome}
   * ({@code failure} when it throws). Stores not wrapped are not timed and cost nothing.
   *
   * @param store the store to time
   * @param name the store's name, a tag value: bounded, never made from request data
   * @return a store that times {@code store} and closes it when closed
   */
  public RateLimitStore timed(RateLimitStore store, String name) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(name, "name");
    return new TimedStore(this, store, name);
  }

  /**
   * Publishes the gauge {@code ratelimit.keys} with tag {@code store=name}: the keys a store holds
   * now, as {@code keys} answers when the registry reads it (for a {@code CaffeineStore}, {@code
   * store::estimatedSize}). {@code keys} must be fast and thread-safe. Registering a name again
   * keeps the first supplier.
   *
   * @param name the store's name, a tag value
   * @param keys how many keys the store holds
   * @return these metrics
   */
  public RateLimitMetrics keysHeld(String name, LongSupplier keys) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keys, "keys");
    synchronized (this) {
      if (keyGauges.putIfAbsent(name, keys) == null) {
        Meters bound = meters;
        if (bound != null) {
          bound.registerKeys(name, keys);
        }
      }
    }
    return this;
  }

  // ---- the engine's events

  // counts ratelimit.decisions with outcome=allowed
  @Override
  public void admitted(RateLimitPolicy policy, LimitStatus status, String key) {
    Meters bound = meters;
    if (bound != null) {
      bound.policy(policy.name()).allowed.increment();
    }
  }

  // counts ratelimit.decisions with outcome=rejected
  @Override
  public void rejected(RateLimitPolicy policy, LimitStatus status, String key) {
    Meters bound = meters;
    if (bound != null) {
      bound.policy(policy.name()).rejected.increment();
    }
  }

  // counts ratelimit.decisions with outcome=missing_key
  @Override
  public void missingKey(RateLimitPolicy policy, MissingKey missing) {
    Meters bound = meters;
    if (bound != null) {
      bound.policy(policy.name()).missingKey.increment();
    }
  }

  // counts ratelimit.decisions with outcome=exempt
  @Override
  public void exempt(RateLimitPolicy policy, @Nullable String key) {
    Meters bound = meters;
    if (bound != null) {
      bound.policy(policy.name()).exempt.increment();
    }
  }

  // counts ratelimit.decisions with outcome=unavailable
  @Override
  public void storeUnavailable(
      RateLimitPolicy policy, StoreUnavailable unavailable, StoreException cause) {
    Meters bound = meters;
    if (bound != null) {
      bound.policy(policy.name()).unavailable.increment();
    }
  }

  // counts ratelimit.refunds with returned=true or false
  @Override
  public void refunded(RateLimitPolicy policy, long units, boolean returned) {
    Meters bound = meters;
    if (bound != null) {
      PolicyMeters meters = bound.policy(policy.name());
      (returned ? meters.returned : meters.notReturned).increment();
    }
  }

  // counts ratelimit.charges, and the units taken as ratelimit.charged.units
  @Override
  public void charged(RateLimitPolicy policy, long requested, long charged) {
    Meters bound = meters;
    if (bound != null) {
      PolicyMeters meters = bound.policy(policy.name());
      meters.charges.increment();
      meters.chargedUnits.increment((double) charged);
    }
  }

  // ---- the failover store's events

  // counts ratelimit.store.failures
  @Override
  public void storeFailed(String store, StoreException failure) {
    Meters bound = meters;
    if (bound != null) {
      bound.store(store).failures.increment();
    }
  }

  // counts ratelimit.store.fallbacks with the mode that answered
  @Override
  public void failureModeAnswered(String store, FailureMode mode, String storeKey) {
    Meters bound = meters;
    if (bound != null) {
      Counter fallbacks = bound.store(store).fallbacks.get(mode);
      if (fallbacks != null) {
        fallbacks.increment();
      }
    }
  }

  // adds domain to the open circuits of ratelimit.circuit.open
  @Override
  public void circuitOpened(String store, String domain, StoreException failure) {
    Meters bound = meters;
    if (bound != null) {
      Set<String> open = bound.store(store).openDomains;
      if (open.size() < MAXIMUM_DOMAINS) {
        open.add(domain);
      }
    }
  }

  // removes domain from the open circuits of ratelimit.circuit.open
  @Override
  public void circuitClosed(String store, String domain, int failures) {
    Meters bound = meters;
    if (bound != null) {
      bound.store(store).openDomains.remove(domain);
    }
  }

  /**
   * Returns a description for logs.
   *
   * @return the registry bound and the limit of names
   */
  @Override
  public String toString() {
    Meters bound = meters;
    return "RateLimitMetrics[registry="
        + (bound == null ? "none" : bound.registry.toString())
        + ", maximumNames="
        + maximumNames
        + "]";
  }

  @Nullable Meters meters() {
    return meters;
  }

  /** The meters of one registry, found once per policy and store. */
  final class Meters {
    final MeterRegistry registry;
    final Clock clock;
    private final Map<String, PolicyMeters> policies = new ConcurrentHashMap<>();
    private final Map<String, StoreMeters> stores = new ConcurrentHashMap<>();
    private final AtomicBoolean policiesCapped = new AtomicBoolean();
    private final AtomicBoolean storesCapped = new AtomicBoolean();

    Meters(MeterRegistry registry) {
      this.registry = registry;
      this.clock = registry.config().clock();
    }

    PolicyMeters policy(String name) {
      PolicyMeters found = policies.get(name);
      if (found != null) {
        return found;
      }
      String tag = bounded(name, policies.size(), policiesCapped, "policy");
      return policies.computeIfAbsent(tag, t -> new PolicyMeters(registry, t));
    }

    StoreMeters store(String name) {
      StoreMeters found = stores.get(name);
      if (found != null) {
        return found;
      }
      String tag = bounded(name, stores.size(), storesCapped, "store");
      return stores.computeIfAbsent(tag, t -> new StoreMeters(registry, t));
    }

    Timer latency(String store, String outcome) {
      String tag = stores.containsKey(store) || stores.size() < maximumNames ? store : OTHER;
      return Timer.builder("ratelimit.store.latency")
          .description("How long the store took to apply a step")
          .tag("store", tag)
          .tag("outcome", outcome)
          .register(registry);
    }

    void registerKeys(String store, LongSupplier keys) {
      Gauge.builder("ratelimit.keys", keys, k -> (double) k.getAsLong())
          .description("The keys the store holds")
          .tag("store", store)
          .strongReference(true)
          .register(registry);
    }

    private String bounded(String name, int size, AtomicBoolean capped, String tag) {
      // one slot stays for "other", so the tag never takes more than maximumNames + 1 values
      if (size < maximumNames || name.equals(OTHER)) {
        return name;
      }
      if (capped.compareAndSet(false, true)) {
        LOGGER.log(
            Level.WARNING,
            String.format(
                Locale.ROOT,
                "more than %d distinct %s names: %s and the ones after it are counted as %s=\"%s\";"
                    + " %s names must be bounded (never made from request data)",
                maximumNames,
                tag,
                name,
                tag,
                OTHER,
                tag));
      }
      return OTHER;
    }
  }

  /** The counters of one policy. */
  static final class PolicyMeters {
    final Counter allowed;
    final Counter rejected;
    final Counter missingKey;
    final Counter exempt;
    final Counter unavailable;
    final Counter returned;
    final Counter notReturned;
    final Counter charges;
    final Counter chargedUnits;

    PolicyMeters(MeterRegistry registry, String policy) {
      allowed = decisions(registry, policy, "allowed");
      rejected = decisions(registry, policy, "rejected");
      missingKey = decisions(registry, policy, "missing_key");
      exempt = decisions(registry, policy, "exempt");
      unavailable = decisions(registry, policy, "unavailable");
      returned = refunds(registry, policy, true);
      notReturned = refunds(registry, policy, false);
      charges =
          Counter.builder("ratelimit.charges")
              .description("Charges of units by application code")
              .tag("policy", policy)
              .register(registry);
      chargedUnits =
          Counter.builder("ratelimit.charged.units")
              .description("Units taken by charges of application code")
              .tag("policy", policy)
              .register(registry);
    }

    private static Counter decisions(MeterRegistry registry, String policy, String outcome) {
      return Counter.builder("ratelimit.decisions")
          .description("Decisions of a limit, one per limit that applied to a request")
          .tag("policy", policy)
          .tag("outcome", outcome)
          .register(registry);
    }

    private static Counter refunds(MeterRegistry registry, String policy, boolean returned) {
      return Counter.builder("ratelimit.refunds")
          .description("Acquires given back by application code")
          .tag("policy", policy)
          .tag("returned", Boolean.toString(returned))
          .register(registry);
    }
  }

  /** The meters of one failover store. */
  static final class StoreMeters {
    final Counter failures;
    final Map<FailureMode, Counter> fallbacks = new EnumMap<>(FailureMode.class);
    final Set<String> openDomains = ConcurrentHashMap.newKeySet();

    StoreMeters(MeterRegistry registry, String store) {
      failures =
          Counter.builder("ratelimit.store.failures")
              .description("Failed calls of the store a failover store wraps")
              .tag("store", store)
              .register(registry);
      for (FailureMode mode : FailureMode.values()) {
        fallbacks.put(
            mode,
            Counter.builder("ratelimit.store.fallbacks")
                .description("Store calls that the failure mode answered")
                .tag("store", store)
                .tag("mode", mode.name().toLowerCase(Locale.ROOT))
                .register(registry));
      }
      Gauge.builder("ratelimit.circuit.open", openDomains, Set::size)
          .description("Failure domains whose circuit is open")
          .tag("store", store)
          .strongReference(true)
          .register(registry);
    }
  }
}
