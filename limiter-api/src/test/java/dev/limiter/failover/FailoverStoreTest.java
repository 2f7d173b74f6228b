/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.Algorithm;
import dev.limiter.ManualClock;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import dev.limiter.spi.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailoverStoreTest {

  private static final long MINUTE = 60_000_000_000L;
  private static final Step ACQUIRE = Step.acquire(Algorithm.FIXED_WINDOW, MINUTE, 3, 1);

  private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T10:00:30Z"));
  private final FlakyStore primary = new FlakyStore(clock);
  private final List<LogRecord> logged = new ArrayList<>();
  private final Logger julLogger = Logger.getLogger(FailoverStore.class.getName());
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

  /** A store of our own SPI that can be switched off: then it throws as a dead cluster would. */
  static final class FlakyStore implements RateLimitStore {
    private final Map<String, long[]> states = new HashMap<>();
    private final ManualClock clock;
    final AtomicInteger calls = new AtomicInteger();
    volatile boolean down;
    volatile CountDownLatch blockWhileDown = new CountDownLatch(0);

    FlakyStore(ManualClock clock) {
      this.clock = clock;
    }

    @Override
    public void apply(String key, Step step, StepResult result) {
      calls.incrementAndGet();
      if (down) {
        try {
          blockWhileDown.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new StoreException(
            "cluster unreachable", new RuntimeException("timeout"), Duration.ofSeconds(7));
      }
      synchronized (this) {
        long[] state = step.prepare(states.get(key));
        step.applyTo(state, clock.epochNanos(), result);
        states.put(key, state);
      }
    }
  }

  @BeforeEach
  void captureLog() {
    julLogger.addHandler(handler);
    julLogger.setUseParentHandlers(false); // the expected warnings need not reach the console
  }

  @AfterEach
  void releaseLog() {
    julLogger.removeHandler(handler);
    julLogger.setUseParentHandlers(true);
  }

  private FailoverStore.Builder builder(FailureMode mode) {
    return FailoverStore.builder(primary)
        .mode(mode)
        .clock(clock)
        .name("test")
        .failureThreshold(3)
        .openInterval(Duration.ofSeconds(2))
        .logInterval(Duration.ofSeconds(30));
  }

  private List<LogRecord> warnings() {
    synchronized (logged) {
      return logged.stream()
          .filter(r -> r.getLevel().equals(java.util.logging.Level.WARNING))
          .toList();
    }
  }

  @Test
  void whileThePrimaryAnswersItDecides() {
    FailoverStore store = builder(FailureMode.FAIL_OPEN).build();
    for (int i = 0; i < 3; i++) {
      assertThat(store.apply("k", ACQUIRE).allowed()).isTrue();
    }
    assertThat(store.apply("k", ACQUIRE).allowed()).isFalse();
    assertThat(store.failures()).isZero();
    assertThat(store.fallbacks()).isZero();
    assertThat(store.circuitOpen()).isFalse();
    assertThat(warnings()).isEmpty();
  }

  @Test
  void failOpenServesAsIfTheKeyWereNewAndCountsFailures() {
    FailoverStore store = builder(FailureMode.FAIL_OPEN).build();
    primary.down = true;
    for (int i = 0; i < 10; i++) {
      StepResult result = store.apply("k", ACQUIRE);
      assertThat(result.allowed()).isTrue();
      assertThat(result.remaining()).isEqualTo(2);
      assertThat(result.retryAfterNanos()).isZero();
      assertThat(result.stampNanos()).isEqualTo(clock.epochNanos());
    }
    assertThat(store.failures()).isEqualTo(3);
    assertThat(store.fallbacks()).isEqualTo(10);
    assertThat(store.circuitOpen()).isTrue();
  }

  @Test
  void failOpenStillRejectsWhatNoStateCouldAdmit() {
    FailoverStore store = builder(FailureMode.FAIL_OPEN).build();
    primary.down = true;
    assertThat(store.apply("k", Step.acquire(Algorithm.SLIDING_WINDOW, MINUTE, 0, 1)).allowed())
        .isFalse();
    assertThat(store.apply("k", Step.acquire(Algorithm.TOKEN_BUCKET, MINUTE, 2, 3)).allowed())
        .isFalse();
  }

  @Test
  void failuresAreLoggedOncePerIntervalNotPerRequest() {
    FailoverStore store = builder(FailureMode.FAIL_OPEN).build();
    primary.down = true;
    for (int i = 0; i < 100; i++) {
      store.apply("k" + i, ACQUIRE);
    }
    assertThat(warnings()).hasSize(1);
    assertThat(warnings().get(0).getMessage()).contains("test", "FAIL_OPEN", "cluster unreachable");
    assertThat(warnings().get(0).getThrown()).isInstanceOf(StoreException.class);

    clock.advance(Duration.ofSeconds(29));
    store.apply("k", ACQUIRE);
    assertThat(warnings()).hasSize(1);

    clock.advance(Duration.ofSeconds(1));
    for (int i = 0; i < 100; i++) {
      store.apply("k" + i, ACQUIRE);
    }
    assertThat(warnings()).hasSize(2);
    assertThat(warnings().get(1).getMessage()).contains("101 requests decided by FAIL_OPEN");
  }

  @Test
  void failClosedThrowsWithTheStoresRetryAfterUntilTheCircuitOpens() {
    FailoverStore store = builder(FailureMode.FAIL_CLOSED).build();
    primary.down = true;
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> store.apply("k", ACQUIRE))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("test", "FAIL_CLOSED", "cluster unreachable")
          .satisfies(
              e -> assertThat(((StoreException) e).retryAfter()).isEqualTo(Duration.ofSeconds(7)));
    }
    // the third failure opens the circuit: retry when the next probe may go through
    assertThatThrownBy(() -> store.apply("k", ACQUIRE))
        .isInstanceOf(StoreException.class)
        .satisfies(
            e -> assertThat(((StoreException) e).retryAfter()).isEqualTo(Duration.ofSeconds(2)));
    clock.advance(Duration.ofMillis(500));
    assertThatThrownBy(() -> store.apply("k", ACQUIRE))
        .isInstanceOf(StoreException.class)
        .satisfies(
            e -> assertThat(((StoreException) e).retryAfter()).isEqualTo(Duration.ofMillis(1500)));
    assertThat(primary.calls).hasValue(3);
  }

  @Test
  void localFallbackLimitsOnThisNodeUntilThePrimaryIsBack() {
    FailoverStore store = builder(FailureMode.LOCAL_FALLBACK).build();
    assertThat(store.apply("k", ACQUIRE).remaining()).isEqualTo(2); // one unit on the primary
    primary.down = true;
    assertThat(store.apply("k", ACQUIRE).remaining()).isEqualTo(2); // the local store starts afresh
    assertThat(store.apply("k", ACQUIRE).remaining()).isEqualTo(1);
    assertThat(store.apply("k", ACQUIRE).remaining()).isZero();
    assertThat(store.apply("k", ACQUIRE).allowed()).isFalse();
    assertThat(store.apply("other", ACQUIRE).allowed()).isTrue();

    primary.down = false;
    clock.advance(Duration.ofSeconds(2));
    StepResult probe = store.apply("k", ACQUIRE);
    assertThat(probe.allowed()).isTrue();
    assertThat(probe.remaining()).isEqualTo(1); // the primary's count went on where it was
    assertThat(store.circuitOpen()).isFalse();

    primary.down = true; // a second outage in the same window goes on with the local counts
    assertThat(store.apply("k", ACQUIRE).allowed()).isFalse();
    clock.advance(Duration.ofSeconds(30)); // the next fixed window
    assertThat(store.apply("k", ACQUIRE).remaining()).isEqualTo(2);
  }

  @Test
  void aReleaseOfAUnitTheFailureModeGaveNeverReachesThePrimary() {
    FailoverStore store = builder(FailureMode.FAIL_OPEN).build();
    store.apply("k", ACQUIRE);
    primary.down = true;
    StepResult open = store.apply("k", ACQUIRE);
    assertThat(open.generation()).as("decided on no stored state").isZero();
    primary.down = false;
    int calls = primary.calls.get();
    StepResult released = store.apply("k", release(open));
    assertThat(released.allowed()).isFalse();
    assertThat(primary.calls).as("nothing to give back on the primary").hasValue(calls);
    assertThat(store.apply("k", ACQUIRE).remaining()).isEqualTo(1);
  }

  @Test
  void aReleaseGoesBackToTheStoreThatTookTheUnits() {
    FailoverStore store = builder(FailureMode.LOCAL_FALLBACK).build();
    StepResult onPrimary = store.apply("k", ACQUIRE);
    primary.down = true;
    StepResult onLocal = store.apply("k", ACQUIRE);
    store.apply("k", ACQUIRE);
    primary.down = false;
    assertThat(store.apply("k", release(onLocal)).allowed()).isTrue();
    primary.down = true;
    assertThat(store.apply("k", ACQUIRE).remaining()).as("one local unit back").isEqualTo(1);
    primary.down = false;
    clock.advance(Duration.ofSeconds(2)); // three failures opened the circuit: wait for the probe
    assertThat(store.apply("k", ACQUIRE).remaining()).as("the primary kept its unit").isEqualTo(1);
    assertThat(store.apply("k", release(onPrimary)).allowed()).isTrue();
    assertThat(store.apply("k", ACQUIRE).remaining()).isEqualTo(1);
  }

  @Test
  void aReleaseThatCannotReachThePrimaryGivesNothingBackAndCountsAsAFailure() {
    FailoverStore store = builder(FailureMode.LOCAL_FALLBACK).build();
    StepResult taken = store.apply("k", ACQUIRE);
    primary.down = true;
    assertThat(store.apply("k", release(taken)).allowed()).isFalse();
    assertThat(store.failures()).isEqualTo(1);
    primary.down = false;
    assertThat(store.apply("k", ACQUIRE).remaining()).as("the unit stayed taken").isEqualTo(1);
  }

  private static Step release(StepResult acquired) {
    return Step.release(
        ACQUIRE.algorithm(),
        ACQUIRE.windowNanos(),
        ACQUIRE.limit(),
        ACQUIRE.cost(),
        acquired.stampNanos(),
        acquired.generation());
  }

  /**
   * Keys in two failure domains (two cluster members, say): the one that stops answering opens its
   * own circuit; the other's keys are still decided by the store.
   */
  @Test
  void eachFailureDomainHasItsOwnCircuit() {
    RateLimitStore byOwner =
        (key, step, result) -> {
          if (key.startsWith("down:")) {
            throw new StoreException("owner frozen", new RuntimeException("timeout"));
          }
          primary.apply(key, step, result);
        };
    FailoverStore store =
        FailoverStore.builder(byOwner)
            .mode(FailureMode.FAIL_CLOSED)
            .clock(clock)
            .failureDomain(key -> key.substring(0, key.indexOf(':')))
            .build();
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> store.apply("down:k", ACQUIRE)).isInstanceOf(StoreException.class);
    }
    assertThat(store.circuitOpen("down:k")).isTrue();
    assertThat(store.circuitOpen("up:k")).isFalse();
    assertThat(store.circuitOpen()).isTrue();
    int calls = primary.calls.get();
    assertThat(store.apply("up:k", ACQUIRE).remaining()).isEqualTo(2);
    assertThat(store.apply("up:other", ACQUIRE).remaining()).isEqualTo(2);
    assertThat(primary.calls).as("the healthy domain's keys reach the store").hasValue(calls + 2);
    assertThat(store.failures()).isEqualTo(3);
  }

  /** With three nodes falling back at once, each admits a third of the limit, rounded down. */
  @Test
  void theLocalFallbackAdmitsThisNodesShareOfTheLimit() {
    int[] nodes = {3};
    FailoverStore store = builder(FailureMode.LOCAL_FALLBACK).fallbackShare(() -> nodes[0]).build();
    primary.down = true;
    Step ten = Step.acquire(Algorithm.FIXED_WINDOW, MINUTE, 10, 1);
    int admitted = 0;
    for (int i = 0; i < 10; i++) {
      StepResult result = store.apply("k", ten);
      admitted += result.allowed() ? 1 : 0;
      assertThat(result.limit()).isEqualTo(3);
    }
    assertThat(admitted).isEqualTo(3);
    nodes[0] = 20; // more nodes than units: none of them may admit on its own
    assertThat(store.apply("other", ten).allowed()).isFalse();
  }

  @Test
  void anOpenCircuitLeavesThePrimaryAloneThenLetsOneProbeThrough() {
    FailoverStore store = builder(FailureMode.FAIL_OPEN).build();
    primary.down = true;
    for (int i = 0; i < 3; i++) {
      store.apply("k", ACQUIRE);
    }
    assertThat(primary.calls).hasValue(3);
    assertThat(store.circuitOpen()).isTrue();

    clock.advance(Duration.ofMillis(1999));
    for (int i = 0; i < 50; i++) {
      store.apply("k", ACQUIRE);
    }
    assertThat(primary.calls).hasValue(3);

    clock.advance(Duration.ofMillis(1));
    store.apply("k", ACQUIRE); // the probe fails: open for another interval
    store.apply("k", ACQUIRE);
    assertThat(primary.calls).hasValue(4);
    assertThat(store.circuitOpen()).isTrue();

    primary.down = false;
    clock.advance(Duration.ofSeconds(2));
    store.apply("k", ACQUIRE);
    store.apply("k", ACQUIRE);
    assertThat(primary.calls).hasValue(6);
    assertThat(store.circuitOpen()).isFalse();
    assertThat(store.failures()).isEqualTo(4);
  }

  @Test
  void failuresBelowTheThresholdDoNotOpenTheCircuit() {
    FailoverStore store = builder(FailureMode.FAIL_OPEN).build();
    for (int round = 0; round < 5; round++) {
      primary.down = true;
      store.apply("k", ACQUIRE);
      store.apply("k", ACQUIRE);
      primary.down = false;
      store.apply("k", Step.acquire(Algorithm.FIXED_WINDOW, MINUTE, 1000, 1));
    }
    assertThat(store.circuitOpen()).isFalse();
    assertThat(primary.calls).hasValue(15);
  }

  @Test
  void whileAProbeIsInFlightOtherRequestsDoNotWaitForIt() throws Exception {
    FailoverStore store = builder(FailureMode.FAIL_OPEN).build();
    primary.down = true;
    for (int i = 0; i < 3; i++) {
      store.apply("k", ACQUIRE);
    }
    clock.advance(Duration.ofSeconds(2));
    CountDownLatch release = new CountDownLatch(1);
    primary.blockWhileDown = release;
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Future<StepResult> probe = executor.submit(() -> store.apply("k", ACQUIRE));
      while (primary.calls.get() < 4) {
        Thread.onSpinWait();
      }
      long start = System.nanoTime();
      for (int i = 0; i < 100; i++) {
        assertThat(store.apply("k", ACQUIRE).allowed()).isTrue();
      }
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(1));
      assertThat(primary.calls).hasValue(4);
      release.countDown();
      assertThat(probe.get(5, TimeUnit.SECONDS).allowed()).isTrue();
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void closingClosesThePrimary() {
    AtomicInteger closed = new AtomicInteger();
    RateLimitStore closable =
        new RateLimitStore() {
          @Override
          public void apply(String key, Step step, StepResult result) {
            primary.apply(key, step, result);
          }

          @Override
          public void close() {
            closed.incrementAndGet();
          }
        };
    FailoverStore.builder(closable).build().close();
    assertThat(closed).hasValue(1);
  }

  @ParameterizedTest
  @CsvSource({
    "open, FAIL_OPEN",
    "OPEN, FAIL_OPEN",
    " closed , FAIL_CLOSED",
    "local, LOCAL_FALLBACK",
    "fail_open, FAIL_OPEN",
    "LOCAL_FALLBACK, LOCAL_FALLBACK"
  })
  void failureModesParseFromConfiguration(String text, FailureMode expected) {
    assertThat(FailureMode.parse(text)).isEqualTo(expected);
    assertThat(FailureMode.parse(expected.configName())).isEqualTo(expected);
  }

  @Test
  void anUnknownFailureModeSaysWhatIsAccepted() {
    assertThatThrownBy(() -> FailureMode.parse("sometimes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "\"sometimes\" is not a failure mode; use open (serve requests), closed (answer 503) or"
                + " local (limit on this node alone)");
  }

  @Test
  void aBuilderWithoutAStoreTakesItAtBuildAndCanBuildAgain() {
    FailoverStore.Builder failover =
        FailoverStore.builder().mode(FailureMode.FAIL_CLOSED).clock(clock).failureThreshold(1);
    assertThatThrownBy(failover::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "this builder has no store to wrap: give it to FailoverStore.builder(store), or build"
                + " with build(store)");
    assertThatThrownBy(() -> failover.build(null)).hasMessage("primary");

    FailoverStore first = failover.build(primary);
    assertThat(first).hasToString("FailoverStore[FlakyStore, FAIL_CLOSED]");
    assertThat(first.apply("k", ACQUIRE).allowed()).isTrue();
    primary.down = true;
    assertThatThrownBy(() -> first.apply("k", ACQUIRE)).isInstanceOf(StoreException.class);
    assertThat(first.circuitOpen()).isTrue();

    FailoverStore second = failover.name("again").build(new FlakyStore(clock));
    assertThat(second).hasToString("FailoverStore[again, FAIL_CLOSED]");
    assertThat(second.circuitOpen()).isFalse(); // its own circuits and counts
    assertThat(second.apply("k", ACQUIRE).allowed()).isTrue();
    assertThat(second.failures()).isZero();
  }

  @Test
  void builderRejectsValuesOutOfRange() {
    FailoverStore.Builder builder = FailoverStore.builder(primary);
    assertThatThrownBy(() -> builder.failureThreshold(0))
        .hasMessage("failureThreshold must be at least 1, was 0");
    assertThatThrownBy(() -> builder.openInterval(Duration.ZERO))
        .hasMessage("openInterval must be at least 1 ms, was PT0S");
    assertThatThrownBy(() -> builder.logInterval(Duration.ofSeconds(-1)))
        .hasMessage("logInterval must not be negative, was PT-1S");
    assertThatThrownBy(() -> builder.fallbackMaximumSize(0))
        .hasMessage("fallbackMaximumSize must be at least 1, was 0");
    assertThatThrownBy(() -> builder.name(" ")).hasMessage("name must not be blank");
    assertThatThrownBy(() -> FailoverStore.builder(null)).hasMessage("primary");
  }
}
