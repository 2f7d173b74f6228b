/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import dev.limiter.Algorithm;
import dev.limiter.ManualClock;
import dev.limiter.RateLimitListener;
import dev.limiter.failover.FailureMode;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import dev.limiter.spi.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With the cluster gone, each failure mode answers as specified, and after the first failures a
 * request costs microseconds, not the time budget.
 *
 * <p>One member and a client; the member is shut down once both have answered. The client keeps
 * trying to reconnect (Hazelcast's default), so its calls hang until the budget runs out; a store
 * on the shut-down member fails at once.
 */
class FailureModesTest {

  private static final long MINUTE = 60_000_000_000L;
  private static final Step STEP = Step.acquire(Algorithm.FIXED_WINDOW, MINUTE, 3, 1);
  private static final Duration BUDGET = Duration.ofMillis(50);

  private static HazelcastTestCluster cluster;
  private static HazelcastInstance client;
  private static final Map<FailureMode, HazelcastStore> memberStores =
      new EnumMap<>(FailureMode.class);
  private static final Logger FAILOVER_LOG = Logger.getLogger("dev.limiter.failover.FailoverStore");

  private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T10:00:00Z"));

  @BeforeAll
  static void startThenStopTheCluster() {
    cluster = HazelcastTestCluster.start(1);
    ClientConfig config = cluster.clientConfig();
    config.setProperty("hazelcast.client.invocation.timeout.seconds", "2");
    client = cluster.newClient(config);
    HazelcastInstance member = cluster.member(0);
    for (FailureMode mode : FailureMode.values()) {
      memberStores.put(
          mode,
          HazelcastStore.builder()
              .instance(member)
              .mapName("test-probe")
              .failureMode(mode)
              .build());
    }
    HazelcastStore probe = HazelcastTestCluster.storeBuilder(client, "test-probe").build();
    assertThat(probe.apply("k", STEP).allowed()).isTrue();
    member.shutdown();
    FAILOVER_LOG.setLevel(Level.OFF); // expected warnings
  }

  @AfterAll
  static void stop() {
    FAILOVER_LOG.setLevel(null);
    cluster.close();
  }

  private HazelcastStore clientStore(FailureMode mode) {
    return HazelcastStore.builder()
        .instance(client)
        .mapName("test-probe")
        .failureMode(mode)
        .timeout(BUDGET)
        .clock(clock)
        .build();
  }

  @Test
  void failOpenServesEveryRequest() {
    HazelcastStore store = clientStore(FailureMode.FAIL_OPEN);
    for (int i = 0; i < 10; i++) {
      StepResult result = store.apply("k", STEP);
      assertThat(result.allowed()).isTrue();
      assertThat(result.remaining()).isEqualTo(2);
    }
    assertThat(store.failures()).isEqualTo(3);
    assertThat(store.fallbacks()).isEqualTo(10);
    assertThat(store.circuitOpen()).isTrue();
  }

  @Test
  void aListenerHearsTheFailuresTheFailureModeAndTheCircuit() {
    List<String> heard = new CopyOnWriteArrayList<>();
    RateLimitListener listener =
        new RateLimitListener() {
          @Override
          public void storeFailed(String store, StoreException failure) {
            heard.add("failed");
          }

          @Override
          public void failureModeAnswered(String store, FailureMode mode, String storeKey) {
            heard.add(mode + " " + storeKey);
          }

          @Override
          public void circuitOpened(String store, String domain, StoreException failure) {
            heard.add("opened");
          }
        };
    HazelcastStore store =
        HazelcastStore.builder()
            .instance(client)
            .mapName("test-probe")
            .failureMode(FailureMode.FAIL_OPEN)
            .failureThreshold(1)
            .timeout(BUDGET)
            .clock(clock)
            .listener(listener)
            .build();

    store.apply("k", STEP);
    store.apply("k", STEP);

    assertThat(heard)
        .as("the first call fails and opens the circuit; the second is answered without a call")
        .containsExactly("failed", "opened", "FAIL_OPEN k", "FAIL_OPEN k");
  }

  @Test
  void failClosedRefusesWithRetryAfter() {
    HazelcastStore store = clientStore(FailureMode.FAIL_CLOSED);
    assertThatThrownBy(() -> store.apply("k", STEP))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("hazelcast map test-probe");
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> store.apply("k", STEP))
          .isInstanceOfSatisfying(
              StoreException.class, e -> assertThat(e.retryAfter()).isPositive());
    }
  }

  @Test
  void localFallbackLimitsOnThisNode() {
    HazelcastStore store = clientStore(FailureMode.LOCAL_FALLBACK);
    assertThat(store.apply("k", STEP).remaining()).isEqualTo(2);
    assertThat(store.apply("k", STEP).remaining()).isEqualTo(1);
    assertThat(store.apply("k", STEP).remaining()).isZero();
    assertThat(store.apply("k", STEP).allowed()).isFalse();
  }

  @Test
  void aStoreOnAShutDownMemberFailsOverAtOnce() {
    long start = System.nanoTime();
    assertThat(memberStores.get(FailureMode.FAIL_OPEN).apply("k", STEP).allowed()).isTrue();
    assertThatThrownBy(() -> memberStores.get(FailureMode.FAIL_CLOSED).apply("k", STEP))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("hazelcast map test-probe failed")
        .hasMessageContaining("HazelcastInstanceNotActiveException");
    HazelcastStore local = memberStores.get(FailureMode.LOCAL_FALLBACK);
    assertThat(local.apply("k", STEP).remaining()).isEqualTo(2);
    assertThat(local.apply("k", STEP).remaining()).isEqualTo(1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BUDGET);
  }

  @Test
  void afterTheFirstFailuresARequestCostsMicrosecondsNotTheBudget() {
    for (FailureMode mode : FailureMode.values()) {
      // the system clock: the circuit really reopens for a probe every second
      HazelcastStore store =
          HazelcastStore.builder()
              .instance(client)
              .mapName("test-probe")
              .failureMode(mode)
              .timeout(BUDGET)
              .build();
      long[] nanos = new long[200];
      Runnable call =
          () -> {
            try {
              store.apply("latency", STEP);
            } catch (StoreException e) {
              // closed: the failures that open the circuit throw, and so do the calls after
            }
          };
      for (int i = 0; i < 3; i++) {
        call.run(); // the failures that open the circuit, each waiting the budget
      }
      for (int i = 0; i < nanos.length; i++) {
        long start = System.nanoTime();
        call.run();
        nanos[i] = System.nanoTime() - start;
      }
      Arrays.sort(nanos);
      assertThat(Duration.ofNanos(nanos[nanos.length / 2]))
          .as("median latency with the cluster gone, %s", mode)
          .isLessThan(Duration.ofMillis(5));
    }
  }
}
