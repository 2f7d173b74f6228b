/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.failover.FailoverStore;
import dev.limiter.failover.FailureMode;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import dev.limiter.spi.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The events a {@link RateLimitListener} hears, from real decisions of a {@link RateLimiter}. */
class RateLimitListenerTest {

  private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T10:00:00Z"));
  private final SwitchableStore store = new SwitchableStore(new MapStore(clock));
  private final Recorder events = new Recorder("");
  private final List<RateLimiter> limiters = new ArrayList<>();

  private final List<LogRecord> logged = new ArrayList<>();
  private final Logger julLogger = Logger.getLogger(RateLimitListener.class.getName());
  private final Logger failoverLogger = Logger.getLogger(FailoverStore.class.getName());
  private final Handler handler =
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

  /** Writes every event as a line, prefixed, into a list (its own or a shared one). */
  static final class Recorder implements RateLimitListener {
    final List<String> lines;
    private final String prefix;

    Recorder(String prefix) {
      this(prefix, new ArrayList<>());
    }

    Recorder(String prefix, List<String> lines) {
      this.prefix = prefix;
      this.lines = lines;
    }

    private synchronized void add(String line) {
      lines.add(prefix + line);
    }

    @Override
    public void admitted(RateLimitPolicy policy, LimitStatus status, String key) {
      add(
          "admitted "
              + policy.name()
              + " cost="
              + policy.cost()
              + " limit="
              + status.limit()
              + " remaining="
              + status.remaining()
              + " key="
              + key);
    }

    @Override
    public void rejected(RateLimitPolicy policy, LimitStatus status, String key) {
      add(
          "rejected "
              + policy.name()
              + " cost="
              + policy.cost()
              + " limit="
              + status.limit()
              + " remaining="
              + status.remaining()
              + " waits="
              + (status.retryAfterNanos() > 0)
              + " key="
              + key);
    }

    @Override
    public void missingKey(RateLimitPolicy policy, MissingKey missing) {
      add("missingKey " + policy.name() + " " + missing.missing());
    }

    @Override
    public void exempt(RateLimitPolicy policy, @Nullable String key) {
      add("exempt " + policy.name() + " key=" + key);
    }

    @Override
    public void storeUnavailable(
        RateLimitPolicy policy, StoreUnavailable unavailable, StoreException cause) {
      add(
          "storeUnavailable "
              + policy.name()
              + " "
              + unavailable.policy()
              + " retryAfter="
              + unavailable.retryAfterSeconds()
              + " cause="
              + cause.getClass().getSimpleName());
    }

    @Override
    public void refunded(RateLimitPolicy policy, long units, boolean returned) {
      add("refunded " + policy.name() + " units=" + units + " returned=" + returned);
    }

    @Override
    public void charged(RateLimitPolicy policy, long requested, long charged) {
      add("charged " + policy.name() + " requested=" + requested + " charged=" + charged);
    }

    @Override
    public void storeFailed(String store, StoreException failure) {
      add("storeFailed " + store + " " + failure.getMessage());
    }

    @Override
    public void failureModeAnswered(String store, FailureMode mode, String storeKey) {
      add("failureModeAnswered " + store + " " + mode + " " + storeKey);
    }

    @Override
    public void circuitOpened(String store, String domain, StoreException failure) {
      add("circuitOpened " + store + " " + domain + " " + failure.getMessage());
    }

    @Override
    public void circuitClosed(String store, String domain, int failures) {
      add("circuitClosed " + store + " " + domain + " failures=" + failures);
    }

    synchronized List<String> taken() {
      List<String> copy = List.copyOf(lines);
      lines.clear();
      return copy;
    }
  }

  /** Throws from every event. */
  static final class Throwing implements RateLimitListener {
    int calls;

    private void fail() {
      calls++;
      throw new IllegalStateException("a broken listener");
    }

    @Override
    public void admitted(RateLimitPolicy policy, LimitStatus status, String key) {
      fail();
    }

    @Override
    public void rejected(RateLimitPolicy policy, LimitStatus status, String key) {
      fail();
    }

    @Override
    public void storeFailed(String store, StoreException failure) {
      fail();
    }

    @Override
    public void failureModeAnswered(String store, FailureMode mode, String storeKey) {
      fail();
    }

    @Override
    public void circuitOpened(String store, String domain, StoreException failure) {
      fail();
    }
  }

  @BeforeEach
  void captureLog() {
    julLogger.addHandler(handler);
    julLogger.setUseParentHandlers(false); // the expected warnings need not reach the console
    failoverLogger.setUseParentHandlers(false); // nor the failover store's own
  }

  @AfterEach
  void close() {
    limiters.forEach(RateLimiter::close);
    julLogger.removeHandler(handler);
    julLogger.setUseParentHandlers(true);
    failoverLogger.setUseParentHandlers(true);
  }

  private RateLimiter.Builder builder(Map<String, String> config) {
    return RateLimiter.builder()
        .store(store)
        .clock(clock)
        .config(
            RateLimitConfig.builder()
                .environment(Map.of())
                .systemProperties(config)
                .valuesFrom("test")
                .build());
  }

  private RateLimiter limiter(RateLimiter.Builder builder) {
    RateLimiter limiter = builder.build();
    limiters.add(limiter);
    return limiter;
  }

  private RateLimiter limiter() {
    return limiter(builder(Map.of()).listener(events));
  }

  private static TestRequest withKey(String key) {
    return TestRequest.from("192.0.2.1").header("X-API-Key", key);
  }

  private List<LogRecord> warnings() {
    synchronized (logged) {
      return logged.stream().filter(r -> r.getLevel().equals(Level.WARNING)).toList();
    }
  }

  // ---- decisions

  @Test
  void admittedAndRejectedCarryThePolicyTheStatusAndTheKey() {
    RateLimiter limiter = limiter();
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("search", "1m", 2, "apiKey")));
    assertThat(((Decision) limiter.check(limits, withKey("k"))).allowed()).isTrue();
    assertThat(limiter.acquire(limits, "k").allowed()).isTrue();
    assertThat(limiter.admit(limits, withKey("k")).allowed()).isFalse();
    assertThat(events.taken())
        .containsExactly(
            "admitted search cost=1 limit=2 remaining=1 key=k",
            "admitted search cost=1 limit=2 remaining=0 key=k",
            "rejected search cost=1 limit=2 remaining=0 waits=true key=k");
  }

  @Test
  void aRejectionOfSeveralLimitsReportsOnlyTheLimitsThatRejected() {
    RateLimiter limiter = limiter();
    EndpointLimits limits =
        limiter.limits(
            List.of(
                RateLimitPolicy.of("burst", "1s", 1, "apiKey"),
                RateLimitPolicy.of("daily", "1d", 100, "apiKey")));
    assertThat(limiter.acquire(limits, "k", "k").allowed()).isTrue();
    assertThat(limiter.admit(limits, withKey("k")).allowed()).isFalse();
    assertThat(events.taken())
        .containsExactly(
            "admitted burst cost=1 limit=1 remaining=0 key=k",
            "admitted daily cost=1 limit=100 remaining=99 key=k",
            "rejected burst cost=1 limit=1 remaining=0 waits=true key=k");
  }

  @Test
  void aMissingKeyIsReportedWithItsPolicy() {
    RateLimiter limiter = limiter();
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("search", "1m", 2, "apiKey")));
    assertThat(limiter.check(limits, TestRequest.from("192.0.2.1"))).isInstanceOf(MissingKey.class);
    assertThat(limiter.admit(limits, TestRequest.from("192.0.2.1")).outcome())
        .isInstanceOf(MissingKey.class);
    assertThat(events.taken())
        .containsExactly(
            "missingKey search an API key in header X-API-Key",
            "missingKey search an API key in header X-API-Key");
  }

  @Test
  void exemptCallersAreReportedPerLimitThatDidNotApply() {
    RateLimiter limiter =
        limiter(
            builder(Map.of("ratelimit.search.exempt.api-keys", "internal-1"))
                .limitResolver(
                    (policy, key) ->
                        key.startsWith("ops-") ? LimitResolver.UNLIMITED : policy.max())
                .listener(events));
    EndpointLimits limits =
        limiter.limits(
            List.of(
                RateLimitPolicy.of("search", "1m", 2, "apiKey"),
                RateLimitPolicy.of("daily", "1d", 100, "apiKey")));
    assertThat(limiter.admit(limits, withKey("internal-1")).allowed()).isTrue();
    assertThat(events.taken())
        .containsExactly(
            "exempt search key=null",
            "admitted daily cost=1 limit=100 remaining=99 key=internal-1");
    assertThat(((Decision) limiter.admit(limits, withKey("ops-1")).outcome()).exempt()).isTrue();
    assertThat(limiter.acquire(limits, "ops-1", "ops-1").exempt()).isTrue();
    EndpointLimits one = limiter.limits(List.of(RateLimitPolicy.of("single", "1m", 2, "apiKey")));
    assertThat(limiter.acquire(one, "ops-2").exempt()).isTrue();
    assertThat(events.taken())
        .containsExactly(
            "exempt search key=ops-1",
            "exempt daily key=ops-1",
            "exempt search key=ops-1",
            "exempt daily key=ops-1",
            "exempt single key=ops-2");
  }

  @Test
  void refundsAndChargesByApplicationCodeAreReported() {
    RateLimiter limiter = limiter();
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("tokens", "1h", 10, "apiKey")));
    Admission request = limiter.admit(limits, withKey("k"));
    assertThat(request.charge("tokens", 4)).isEqualTo(4);
    assertThat(request.charge("tokens", 50)).isEqualTo(5); // what is left
    request.refund();
    request.refund(); // given back once: nothing more to report
    assertThat(events.taken())
        .containsExactly(
            "admitted tokens cost=1 limit=10 remaining=9 key=k",
            "charged tokens requested=4 charged=4",
            "charged tokens requested=50 charged=5",
            "refunded tokens units=1 returned=true",
            "refunded tokens units=4 returned=true",
            "refunded tokens units=5 returned=true");
    request.complete(200); // the engine's own give-backs at completion are no refund
    assertThat(events.taken()).isEmpty();
  }

  @Test
  void aRefundTheStoreCannotTakeIsReportedAsNotReturned() {
    RateLimiter limiter = limiter();
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("tokens", "1m", 10, "apiKey")));
    Admission request = limiter.admit(limits, withKey("k"));
    store.down = true; // the store that took the unit cannot take it back
    request.refund("tokens");
    assertThat(events.taken())
        .containsExactly(
            "admitted tokens cost=1 limit=10 remaining=9 key=k",
            "refunded tokens units=1 returned=false");
  }

  // ---- a store that cannot answer

  @Test
  void aStoreWithoutFailureModeThatFailsIsReportedUnavailable() {
    RateLimiter limiter = limiter();
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("search", "1m", 2, "apiKey")));
    EndpointLimits two =
        limiter.limits(
            List.of(
                RateLimitPolicy.of("burst", "1s", 1, "apiKey"),
                RateLimitPolicy.of("daily", "1d", 100, "apiKey")));
    store.down = true;
    assertThat(limiter.check(limits, withKey("k"))).isInstanceOf(StoreUnavailable.class);
    assertThat(limiter.admit(limits, withKey("k")).outcome()).isInstanceOf(StoreUnavailable.class);
    assertThat(limiter.check(two, withKey("k"))).isInstanceOf(StoreUnavailable.class);
    assertThatThrownBy(() -> limiter.acquire(limits, "k")).isInstanceOf(StoreException.class);
    assertThat(events.taken())
        .containsExactly(
            "storeUnavailable search search retryAfter=7 cause=StoreException",
            "storeUnavailable search search retryAfter=7 cause=StoreException",
            "storeUnavailable burst burst retryAfter=7 cause=StoreException",
            "storeUnavailable search search retryAfter=7 cause=StoreException");
  }

  private FailoverStore failover(FailureMode mode, RateLimitListener listener) {
    return FailoverStore.builder(store)
        .mode(mode)
        .clock(clock)
        .name("cluster")
        .failureThreshold(2)
        .openInterval(Duration.ofSeconds(1))
        .listener(listener)
        .build();
  }

  @ParameterizedTest
  @EnumSource(FailureMode.class)
  void eachFailureModeReportsTheFailureAndItsAnswer(FailureMode mode) {
    RateLimiter limiter = limiter(builder(Map.of()).store(failover(mode, events)).listener(events));
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("search", "1m", 2, "apiKey")));
    store.down = true;
    Outcome outcome = limiter.check(limits, withKey("k"));
    List<String> expected = new ArrayList<>();
    expected.add("storeFailed cluster cluster unreachable");
    expected.add("failureModeAnswered cluster " + mode + " search:k");
    switch (mode) {
      case FAIL_OPEN -> {
        assertThat(((Decision) outcome).allowed()).isTrue();
        expected.add("admitted search cost=1 limit=2 remaining=1 key=k");
      }
      case LOCAL_FALLBACK -> {
        assertThat(((Decision) outcome).allowed()).isTrue();
        expected.add("admitted search cost=1 limit=2 remaining=1 key=k");
      }
      case FAIL_CLOSED -> {
        assertThat(outcome).isInstanceOf(StoreUnavailable.class);
        expected.add("storeUnavailable search search retryAfter=7 cause=StoreException");
      }
    }
    assertThat(events.taken()).containsExactlyElementsOf(expected);
  }

  @Test
  void theCircuitOpensAfterFailuresInARowAndClosesWhenAProbeSucceeds() {
    RateLimiter limiter =
        limiter(builder(Map.of()).store(failover(FailureMode.FAIL_OPEN, events)).listener(events));
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("search", "1m", 5, "apiKey")));
    store.down = true;
    for (int i = 0; i < 3; i++) {
      assertThat(((Decision) limiter.check(limits, withKey("k"))).allowed()).isTrue();
    }
    assertThat(events.taken())
        .containsExactly(
            "storeFailed cluster cluster unreachable",
            "failureModeAnswered cluster FAIL_OPEN search:k",
            "admitted search cost=1 limit=5 remaining=4 key=k",
            "storeFailed cluster cluster unreachable",
            "circuitOpened cluster the store cluster unreachable",
            "failureModeAnswered cluster FAIL_OPEN search:k",
            "admitted search cost=1 limit=5 remaining=4 key=k",
            // open: the store is not called, the failure mode answers at once
            "failureModeAnswered cluster FAIL_OPEN search:k",
            "admitted search cost=1 limit=5 remaining=4 key=k");

    store.down = false;
    clock.advance(Duration.ofSeconds(1)); // the probe's turn
    assertThat(((Decision) limiter.check(limits, withKey("k"))).allowed()).isTrue();
    assertThat(((Decision) limiter.check(limits, withKey("k"))).allowed()).isTrue();
    assertThat(events.taken())
        .containsExactly(
            "circuitClosed cluster the store failures=2",
            "admitted search cost=1 limit=5 remaining=4 key=k",
            "admitted search cost=1 limit=5 remaining=3 key=k");
  }

  @Test
  void withFailureDomainsTheCircuitEventsNameTheDomain() {
    FailoverStore failover =
        FailoverStore.builder(store)
            .clock(clock)
            .name("cluster")
            .failureThreshold(1)
            .failureDomain(key -> key.endsWith(":a") ? "member-1" : "member-2")
            .listener(events)
            .build();
    RateLimiter limiter = limiter(builder(Map.of()).store(failover));
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("search", "1m", 5, "apiKey")));
    store.down = true;
    limiter.check(limits, withKey("a"));
    limiter.check(limits, withKey("b"));
    assertThat(events.taken())
        .containsExactly(
            "storeFailed cluster cluster unreachable",
            "circuitOpened cluster member-1 cluster unreachable",
            "failureModeAnswered cluster FAIL_OPEN search:a",
            "storeFailed cluster cluster unreachable",
            "circuitOpened cluster member-2 cluster unreachable",
            "failureModeAnswered cluster FAIL_OPEN search:b");
  }

  // ---- listeners that throw, several listeners, none

  @Test
  void aThrowingListenerNeverBreaksADecisionAndIsLoggedOncePerInterval() {
    Throwing throwing = new Throwing();
    RateLimiter limiter = limiter(builder(Map.of()).listener(throwing).listener(events));
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("search", "1m", 3, "apiKey")));
    List<Boolean> allowed = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      allowed.add(limiter.admit(limits, withKey("k")).allowed());
    }
    assertThat(allowed).containsExactly(true, true, true, false, false);
    assertThat(throwing.calls).isEqualTo(5);
    assertThat(events.taken()).hasSize(5); // the next listener is called all the same
    assertThat(warnings()).hasSize(1);
    LogRecord first = warnings().get(0);
    assertThat(first.getMessage())
        .contains(Throwing.class.getName())
        .contains("admitted")
        .contains("threw 1 times");
    assertThat(first.getThrown()).hasMessage("a broken listener");

    clock.advance(Duration.ofSeconds(59));
    limiter.admit(limits, withKey("k"));
    assertThat(warnings()).hasSize(1); // within the minute: counted, not logged

    clock.advance(Duration.ofSeconds(1));
    limiter.admit(limits, withKey("k"));
    assertThat(warnings()).hasSize(2);
    assertThat(warnings().get(1).getMessage()).contains("threw 6 times");
  }

  @Test
  void aListenerWhoseLibraryIsMissingNeverBreaksADecision() {
    RateLimitListener unlinked =
        new RateLimitListener() {
          @Override
          public void admitted(RateLimitPolicy policy, LimitStatus status, String key) {
            throw new NoClassDefFoundError("io/micrometer/core/instrument/MeterRegistry");
          }
        };
    RateLimiter limiter = limiter(builder(Map.of()).listener(unlinked).listener(events));
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("search", "1m", 3, "apiKey")));
    assertThat(limiter.admit(limits, withKey("k")).allowed()).isTrue();
    assertThat(limiter.acquire(limits, "k").allowed()).isTrue();
    assertThat(events.taken()).hasSize(2);
    assertThat(warnings()).hasSize(1);
    assertThat(warnings().get(0).getThrown()).isInstanceOf(NoClassDefFoundError.class);
  }

  @Test
  void aThrowingListenerOfTheFailoverStoreNeverBreaksItsAnswer() {
    Throwing throwing = new Throwing();
    RateLimiter limiter =
        limiter(builder(Map.of()).store(failover(FailureMode.LOCAL_FALLBACK, throwing)));
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("search", "1m", 2, "apiKey")));
    store.down = true;
    List<Boolean> allowed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      allowed.add(limiter.admit(limits, withKey("k")).allowed());
    }
    assertThat(allowed).containsExactly(true, true, false); // the local fallback still limits
    // storeFailed, failureModeAnswered; storeFailed, circuitOpened, failureModeAnswered; then one
    assertThat(throwing.calls).isEqualTo(6);
    assertThat(warnings()).hasSize(1);
  }

  @Test
  void severalListenersAreAllCalledInTheOrderAdded() {
    List<String> shared = new ArrayList<>();
    RateLimiter limiter =
        limiter(
            builder(Map.of())
                .listener(new Recorder("first: ", shared))
                .listener(new Recorder("second: ", shared)));
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("search", "1m", 1, "apiKey")));
    limiter.admit(limits, withKey("k"));
    limiter.admit(limits, withKey("k"));
    assertThat(shared)
        .containsExactly(
            "first: admitted search cost=1 limit=1 remaining=0 key=k",
            "second: admitted search cost=1 limit=1 remaining=0 key=k",
            "first: rejected search cost=1 limit=1 remaining=0 waits=true key=k",
            "second: rejected search cost=1 limit=1 remaining=0 waits=true key=k");
  }

  @Test
  void aCompositeListenerIsGuardedLikeTheBuildersOwn() {
    Throwing throwing = new Throwing();
    RateLimitListener both = RateLimitListener.of(clock, List.of(throwing, events));
    RateLimiter limiter = limiter(builder(Map.of()).listener(both));
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("search", "1m", 1, "apiKey")));
    assertThat(limiter.admit(limits, withKey("k")).allowed()).isTrue();
    assertThat(events.taken()).containsExactly("admitted search cost=1 limit=1 remaining=0 key=k");
    assertThat(warnings()).hasSize(1);
    assertThatThrownBy(() -> RateLimitListener.of(clock, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("listeners");
  }

  @Test
  void withoutAListenerTheLimiterDecidesExactlyAsBefore() {
    RateLimiter quiet = limiter(builder(Map.of()).store(new MapStore(clock)));
    RateLimiter heard = limiter(builder(Map.of()).store(new MapStore(clock)).listener(events));
    assertThat(quiet.listener()).isNull(); // nothing to call: no event made, no list walked
    assertThat(heard.listener()).isNotNull();
    List<RateLimitPolicy> policies =
        List.of(
            RateLimitPolicy.of("burst", "1s", 2, "apiKey"),
            RateLimitPolicy.of("minute", "1m", 3, "apiKey"));
    EndpointLimits quietLimits = quiet.limits(policies);
    EndpointLimits heardLimits = heard.limits(policies);
    for (int i = 0; i < 6; i++) {
      assertThat(quiet.check(quietLimits, withKey("k")))
          .isEqualTo(heard.check(heardLimits, withKey("k")));
      assertThat(quiet.check(quietLimits, TestRequest.from("192.0.2.1")))
          .isEqualTo(heard.check(heardLimits, TestRequest.from("192.0.2.1")));
      clock.advance(Duration.ofMillis(700));
    }
    assertThat(events.taken()).isNotEmpty();
    assertThat(warnings()).isEmpty();
  }
}
