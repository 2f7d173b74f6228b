/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.Admission;
import dev.limiter.Decision;
import dev.limiter.EndpointLimits;
import dev.limiter.LimitResolver;
import dev.limiter.ManualClock;
import dev.limiter.MissingKey;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import dev.limiter.RequestView;
import dev.limiter.StoreUnavailable;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.failover.FailoverStore;
import dev.limiter.failover.FailureMode;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import dev.limiter.spi.StoreException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The meters of {@link RateLimitMetrics}, from real decisions of a {@link RateLimiter}. */
class RateLimitMetricsTest {

  private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T10:00:00Z"));
  private final CaffeineStore caffeine = CaffeineStore.builder().clock(clock).build();
  private final SwitchableStore store = new SwitchableStore(caffeine);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RateLimitMetrics metrics = RateLimitMetrics.of(registry);
  private final List<RateLimiter> limiters = new ArrayList<>();

  /** A store that throws as a dead backend would while it is down. */
  static final class SwitchableStore implements RateLimitStore {
    private final RateLimitStore delegate;
    volatile boolean down;

    SwitchableStore(RateLimitStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public void apply(String key, Step step, StepResult result) {
      if (down) {
        throw new StoreException("cluster unreachable", null, Duration.ofSeconds(7));
      }
      delegate.apply(key, step, result);
    }
  }

  /** A request with at most an API key in {@code X-API-Key}. */
  record Request(@Nullable String apiKey) implements RequestView {
    @Override
    public @Nullable String header(String name) {
      return name.equalsIgnoreCase("X-API-Key") ? apiKey : null;
    }

    @Override
    public List<String> headers(String name) {
      String value = header(name);
      return value == null ? List.of() : List.of(value);
    }

    @Override
    public @Nullable String queryParameter(String name) {
      return null;
    }

    @Override
    public @Nullable String pathParameter(String name) {
      return null;
    }

    @Override
    public @Nullable String principal() {
      return null;
    }

    @Override
    public String remoteAddress() {
      return "192.0.2.1";
    }
  }

  @AfterEach
  void close() {
    limiters.forEach(RateLimiter::close);
    caffeine.close();
  }

  private RateLimiter limiter(RateLimitStore store, LimitResolver resolver) {
    RateLimiter limiter =
        RateLimiter.builder()
            .store(store)
            .clock(clock)
            .limitResolver(resolver)
            .config(
                RateLimitConfig.builder()
                    .environment(Map.of())
                    .systemProperties(Map.of())
                    .valuesFrom("test")
                    .build())
            .listener(metrics)
            .build();
    limiters.add(limiter);
    return limiter;
  }

  private RateLimiter limiter(RateLimitStore store) {
    return limiter(store, (policy, key) -> policy.max());
  }

  static double decisions(MeterRegistry registry, String policy, String outcome) {
    return registry
        .get("ratelimit.decisions")
        .tag("policy", policy)
        .tag("outcome", outcome)
        .counter()
        .count();
  }

  private double decisions(String policy, String outcome) {
    return decisions(registry, policy, outcome);
  }

  // ---- decisions

  @Test
  void everyOutcomeIsCountedPerPolicy() {
    RateLimiter limiter =
        limiter(
            store,
            (policy, key) -> key.startsWith("ops-") ? LimitResolver.UNLIMITED : policy.max());
    EndpointLimits limits =
        limiter.limits(
            List.of(
                RateLimitPolicy.of("hello", "1m", 2, "apiKey"),
                RateLimitPolicy.of("daily", "1d", 100, "apiKey")));
    assertThat(limiter.admit(limits, new Request("k")).allowed()).isTrue();
    assertThat(limiter.admit(limits, new Request("k")).allowed()).isTrue();
    assertThat(limiter.admit(limits, new Request("k")).allowed()).isFalse(); // hello rejects
    assertThat(limiter.check(limits, new Request(null))).isInstanceOf(MissingKey.class);
    assertThat(((Decision) limiter.check(limits, new Request("ops-1"))).exempt()).isTrue();
    store.down = true;
    assertThat(limiter.check(limits, new Request("k"))).isInstanceOf(StoreUnavailable.class);

    assertThat(decisions("hello", "allowed")).isEqualTo(2);
    assertThat(decisions("hello", "rejected")).isEqualTo(1);
    assertThat(decisions("daily", "allowed")).isEqualTo(2);
    assertThat(decisions("daily", "rejected")).isZero(); // only the limit that rejected
    assertThat(decisions("hello", "missing_key")).isEqualTo(1);
    assertThat(decisions("hello", "exempt")).isEqualTo(1);
    assertThat(decisions("daily", "exempt")).isEqualTo(1);
    assertThat(decisions("hello", "unavailable")).isEqualTo(1);
  }

  @Test
  void refundsAndChargesAreCountedWithTheirUnits() {
    RateLimiter limiter = limiter(store);
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("tokens", "1h", 10, "apiKey")));
    Admission request = limiter.admit(limits, new Request("k"));
    assertThat(request.charge("tokens", 4)).isEqualTo(4);
    assertThat(request.charge("tokens", 50)).isEqualTo(5); // what is left
    request.refund();
    Admission another = limiter.admit(limits, new Request("j"));
    store.down = true; // the store that took the unit cannot take it back
    another.refund("tokens");

    assertThat(registry.get("ratelimit.charges").tag("policy", "tokens").counter().count())
        .isEqualTo(2);
    assertThat(registry.get("ratelimit.charged.units").tag("policy", "tokens").counter().count())
        .isEqualTo(9);
    assertThat(
            registry
                .get("ratelimit.refunds")
                .tag("policy", "tokens")
                .tag("returned", "true")
                .counter()
                .count())
        .isEqualTo(3); // the admission and its two charges
    assertThat(
            registry
                .get("ratelimit.refunds")
                .tag("policy", "tokens")
                .tag("returned", "false")
                .counter()
                .count())
        .isEqualTo(1);
  }

  // ---- the failover store

  @Test
  void failuresFallbacksAndOpenCircuitsAreCountedPerStore() {
    FailoverStore failover =
        FailoverStore.builder(store)
            .mode(FailureMode.LOCAL_FALLBACK)
            .clock(clock)
            .name("cluster")
            .failureThreshold(2)
            .openInterval(Duration.ofSeconds(1))
            .listener(metrics)
            .build();
    RateLimiter limiter = limiter(failover);
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("hello", "1m", 100, "apiKey")));
    assertThat(limiter.admit(limits, new Request("k")).allowed()).isTrue();
    store.down = true;
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.admit(limits, new Request("k")).allowed()).isTrue(); // the local fallback
    }
    assertThat(failures("cluster")).isEqualTo(2); // then the circuit opened: the store left alone
    assertThat(fallbacks("cluster", "local_fallback")).isEqualTo(5);
    assertThat(fallbacks("cluster", "fail_open")).isZero();
    assertThat(fallbacks("cluster", "fail_closed")).isZero();
    assertThat(circuitOpen("cluster")).isEqualTo(1);

    store.down = false;
    clock.advance(Duration.ofSeconds(2)); // past the open interval: a probe may go through
    assertThat(limiter.admit(limits, new Request("k")).allowed()).isTrue();
    assertThat(circuitOpen("cluster")).isZero();
    assertThat(failover.circuitOpen()).isFalse();
    assertThat(decisions("hello", "allowed")).isEqualTo(7);
  }

  @Test
  void failClosedIsCountedAsAFallbackAndAnUnavailableDecision() {
    FailoverStore failover =
        FailoverStore.builder(store)
            .mode(FailureMode.FAIL_CLOSED)
            .clock(clock)
            .name("cluster")
            .listener(metrics)
            .build();
    RateLimiter limiter = limiter(failover);
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("hello", "1m", 100, "apiKey")));
    store.down = true;
    assertThat(limiter.check(limits, new Request("k"))).isInstanceOf(StoreUnavailable.class);
    assertThat(failures("cluster")).isEqualTo(1);
    assertThat(fallbacks("cluster", "fail_closed")).isEqualTo(1);
    assertThat(decisions("hello", "unavailable")).isEqualTo(1);
  }

  private double failures(String store) {
    return registry.get("ratelimit.store.failures").tag("store", store).counter().count();
  }

  private double fallbacks(String store, String mode) {
    return registry
        .get("ratelimit.store.fallbacks")
        .tag("store", store)
        .tag("mode", mode)
        .counter()
        .count();
  }

  private double circuitOpen(String store) {
    return registry.get("ratelimit.circuit.open").tag("store", store).gauge().value();
  }

  // ---- the store's latency and keys

  @Test
  void aTimedStoreRecordsEachCallByTheRegistrysClock() {
    MockClock time = new MockClock();
    SimpleMeterRegistry timed = new SimpleMeterRegistry(SimpleConfig.DEFAULT, time);
    RateLimitMetrics metrics = RateLimitMetrics.of(timed);
    RateLimitStore slow =
        (key, step, result) -> {
          time.add(Duration.ofMillis(5));
          store.apply(key, step, result);
        };
    RateLimitStore measured = metrics.timed(slow, "cluster");
    RateLimiter limiter =
        RateLimiter.builder().store(measured).clock(clock).listener(metrics).build();
    limiters.add(limiter);
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("hello", "1m", 100, "apiKey")));
    assertThat(limiter.acquire(limits, "k").allowed()).isTrue();
    assertThat(limiter.acquire(limits, "k").allowed()).isTrue();
    store.down = true;
    assertThatThrownBy(() -> limiter.acquire(limits, "k")).isInstanceOf(StoreException.class);

    Timer success =
        timed
            .get("ratelimit.store.latency")
            .tag("store", "cluster")
            .tag("outcome", "success")
            .timer();
    Timer failure =
        timed
            .get("ratelimit.store.latency")
            .tag("store", "cluster")
            .tag("outcome", "failure")
            .timer();
    assertThat(success.count()).isEqualTo(2);
    assertThat(success.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(10);
    assertThat(failure.count()).isEqualTo(1);
    assertThat(failure.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5);
  }

  @Test
  void aStoreThatIsNotTimedHasNoLatencyMeter() {
    RateLimiter limiter = limiter(store);
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("hello", "1m", 100, "apiKey")));
    assertThat(limiter.acquire(limits, "k").allowed()).isTrue();
    assertThat(registry.find("ratelimit.store.latency").meters()).isEmpty();
  }

  @Test
  void keysHeldIsAGaugeOfWhatTheStoreSays() {
    RateLimitMetrics unbound = new RateLimitMetrics();
    long[] held = {3};
    unbound.keysHeld("local", () -> held[0]); // before binding: registered when bound
    SimpleMeterRegistry later = new SimpleMeterRegistry();
    unbound.bindTo(later);
    unbound.bindTo(later); // again: nothing
    assertThat(later.get("ratelimit.keys").tag("store", "local").gauge().value()).isEqualTo(3);
    held[0] = 42;
    assertThat(later.get("ratelimit.keys").tag("store", "local").gauge().value()).isEqualTo(42);
    assertThatThrownBy(() -> unbound.bindTo(registry))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("bound to");
  }

  // ---- bounded tags

  @Test
  void aFloodOfDistinctKeysAddsNoMeter() {
    metrics.keysHeld("local", caffeine::estimatedSize);
    RateLimiter limiter = limiter(store);
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("hello", "1m", 100, "apiKey")));
    assertThat(limiter.acquire(limits, "first").allowed()).isTrue();
    int before = registry.getMeters().size();
    for (int i = 0; i < 100_000; i++) {
      assertThat(limiter.acquire(limits, "key-" + i).allowed()).isTrue();
    }
    assertThat(registry.getMeters()).hasSize(before);
    assertThat(decisions("hello", "allowed")).isEqualTo(100_001);
    caffeine.cleanUp();
    assertThat(registry.get("ratelimit.keys").tag("store", "local").gauge().value())
        .isEqualTo(100_001);
  }

  @Test
  void policyNamesPastTheLimitAreCountedAsOtherAndLoggedOnce() {
    List<LogRecord> logged = new ArrayList<>();
    Logger logger = Logger.getLogger(RateLimitMetrics.class.getName());
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            synchronized (logged) {
              logged.add(record);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(handler);
    try {
      SimpleMeterRegistry capped = new SimpleMeterRegistry();
      RateLimitMetrics few = new RateLimitMetrics(2);
      few.bindTo(capped);
      RateLimiter limiter = RateLimiter.builder().store(store).clock(clock).listener(few).build();
      limiters.add(limiter);
      for (String name : List.of("a", "b", "c", "d", "a")) {
        EndpointLimits limits =
            limiter.limits(List.of(RateLimitPolicy.of(name, "1m", 100, "apiKey")));
        assertThat(limiter.acquire(limits, "k").allowed()).isTrue();
      }
      assertThat(decisions(capped, "a", "allowed")).isEqualTo(2);
      assertThat(decisions(capped, "b", "allowed")).isEqualTo(1);
      assertThat(decisions(capped, RateLimitMetrics.OTHER, "allowed")).isEqualTo(2);
      assertThat(capped.find("ratelimit.decisions").tag("policy", "c").meters()).isEmpty();
      synchronized (logged) {
        assertThat(logged).hasSize(1);
        assertThat(logged.get(0).getLevel()).isEqualTo(Level.WARNING);
        assertThat(logged.get(0).getMessage())
            .contains("more than 2 distinct policy names: c ", "policy=\"other\"");
      }
    } finally {
      logger.removeHandler(handler);
    }
  }

  @Test
  void theLimitOfNamesMustBePositive() {
    assertThatThrownBy(() -> new RateLimitMetrics(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumNames must be at least 1, was 0");
  }

  @Test
  void eventsBeforeBindingAreNotCounted() {
    RateLimitMetrics unbound = new RateLimitMetrics();
    RateLimiter limiter =
        RateLimiter.builder()
            .store(unbound.timed(store, "cluster"))
            .clock(clock)
            .listener(unbound)
            .build();
    limiters.add(limiter);
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("hello", "1m", 100, "apiKey")));
    assertThat(limiter.acquire(limits, "k").allowed()).isTrue();
    SimpleMeterRegistry later = new SimpleMeterRegistry();
    unbound.bindTo(later);
    assertThat(later.getMeters()).isEmpty();
    assertThat(limiter.acquire(limits, "k").allowed()).isTrue();
    assertThat(decisions(later, "hello", "allowed")).isEqualTo(1);
  }

  @Test
  void aStoreTracksAtMostItsLimitOfOpenDomains() {
    StoreException down = new StoreException("member down", null);
    for (int i = 0; i < RateLimitMetrics.MAXIMUM_DOMAINS + 100; i++) {
      metrics.circuitOpened("cluster", "member-" + i, down);
    }
    assertThat(circuitOpen("cluster")).isEqualTo(RateLimitMetrics.MAXIMUM_DOMAINS);
    metrics.circuitClosed("cluster", "member-0", 3);
    metrics.circuitClosed("cluster", "member-" + (RateLimitMetrics.MAXIMUM_DOMAINS + 50), 3);
    assertThat(circuitOpen("cluster")).isEqualTo(RateLimitMetrics.MAXIMUM_DOMAINS - 1);
  }

  @Test
  void concurrentDecisionsAreCountedExactly() throws Exception {
    RateLimitPolicy policy = RateLimitPolicy.of("busy", "1m", 100, "apiKey");
    int threads = 8;
    int each = 10_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < each; i++) {
                    metrics.admitted(policy, null, "k"); // the status is not read
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(decisions("busy", "allowed")).isEqualTo(threads * each);
    assertThat(registry.find("ratelimit.decisions").tag("policy", "busy").counters()).hasSize(5);
  }
}
