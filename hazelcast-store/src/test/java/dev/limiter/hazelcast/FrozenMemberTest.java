/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import dev.limiter.Algorithm;
import dev.limiter.ManualClock;
import dev.limiter.failover.FailureMode;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One member of three frozen (its operations hang, its heartbeats go on), or merely busy: the keys
 * its healthy peers own are decided by the cluster as usual, whatever the failure mode, and a busy
 * member's keys too. Before, one circuit per node sent every key to the failure mode after three
 * timeouts on any key, and a call past the budget was decided by the failure mode even when its
 * owner was only slow.
 */
class FrozenMemberTest {

  private static final long HOUR = 3_600_000_000_000L;
  private static final int MAX = 5;
  private static final Step STEP = Step.acquire(Algorithm.FIXED_WINDOW, HOUR, MAX, 1);
  private static final Logger FAILOVER_LOG = Logger.getLogger("dev.limiter.failover.FailoverStore");

  private static HazelcastTestCluster cluster;
  private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T10:00:00Z"));

  @BeforeAll
  static void start() {
    cluster = HazelcastTestCluster.start(3);
    FAILOVER_LOG.setLevel(Level.OFF); // expected warnings
  }

  @AfterAll
  static void stop() {
    FAILOVER_LOG.setLevel(null);
    cluster.close();
  }

  private RateLimitStore store(HazelcastInstance member, String mapName, FailureMode mode) {
    return HazelcastStore.builder()
        .instance(member)
        .mapName(mapName)
        .failureMode(mode)
        .timeout(Duration.ofMillis(100))
        .expiryMargin(Duration.ofHours(1))
        .clock(clock)
        .build();
  }

  /** Spends every key, then asks each again {@code rounds} times; returns [admitted, refused]. */
  private static int[] spendThenAsk(RateLimitStore store, List<String> keys, int rounds) {
    int[] counts = new int[2];
    for (String key : keys) {
      for (int i = 0; i < MAX; i++) {
        store.apply(key, STEP);
      }
    }
    return ask(store, keys, rounds, counts);
  }

  private static int[] ask(RateLimitStore store, List<String> keys, int rounds, int[] counts) {
    for (int round = 0; round < rounds; round++) {
      for (String key : keys) {
        try {
          counts[0] += store.apply(key, STEP).allowed() ? 1 : 0;
        } catch (StoreException e) {
          counts[1]++;
        }
      }
    }
    return counts;
  }

  @Test
  void aFrozenMemberSendsOnlyItsOwnKeysToTheFailureMode() {
    cluster.install(clock);
    HazelcastInstance frozen = cluster.member(2);
    HazelcastInstance caller = cluster.member(0);
    List<String> healthy = new ArrayList<>();
    List<String> lost = new ArrayList<>();
    for (int i = 0; healthy.size() < 20 || lost.size() < 5; i++) {
      String key = "k" + i;
      (cluster.owner(key) == frozen ? lost : healthy).add(key);
    }
    for (FailureMode mode : FailureMode.values()) {
      String mapName = HazelcastTestCluster.newMapName();
      RateLimitStore store = store(caller, mapName, mode);
      // a key's partition is the same in every map: each mode has its own map, the same keys
      int[] before = spendThenAsk(store, healthy, 0);
      spendThenAsk(store, lost, 0);
      Freeze freeze = Freeze.member(cluster, frozen);
      try {
        int[] lostCounts = ask(store, lost, 2, new int[2]);
        int[] healthyCounts = ask(store, healthy, 3, new int[2]);
        assertThat(healthyCounts[1]).as("%s: healthy keys refused", mode).isZero();
        assertThat(healthyCounts[0]).as("%s: healthy spent keys admitted", mode).isZero();
        if (mode == FailureMode.FAIL_CLOSED) {
          assertThat(lostCounts[1]).as("the frozen member's keys are refused").isPositive();
        }
      } finally {
        freeze.close();
      }
      assertThat(before[1]).isZero();
    }
  }

  /**
   * A member whose partition threads are busy for 300 ms out of every 400 (a loaded machine): its
   * calls overrun the 100 ms budget but it keeps answering, so they wait for its answer. A spent
   * key is admitted never, whatever the mode, and nothing is refused.
   */
  @Test
  void aBusyMemberIsWaitedForNotFailedOver() throws Exception {
    cluster.install(clock);
    HazelcastInstance busy = cluster.member(1);
    HazelcastInstance caller = cluster.member(0);
    List<String> keys = new ArrayList<>();
    for (int i = 0; keys.size() < 10; i++) {
      if (cluster.owner("b" + i) == busy) {
        keys.add("b" + i);
      }
    }
    for (FailureMode mode : FailureMode.values()) {
      String mapName = HazelcastTestCluster.newMapName();
      RateLimitStore store = store(caller, mapName, mode);
      int[] counts = spendThenAsk(store, keys, 0);
      Thread load =
          new Thread(
              () -> {
                long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
                  Freeze freeze = Freeze.member(cluster, busy);
                  try {
                    Thread.sleep(300);
                  } catch (InterruptedException e) {
                    return;
                  } finally {
                    freeze.close();
                  }
                  try {
                    Thread.sleep(100);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "busy-member");
      load.start();
      try {
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < end) {
          ask(store, keys, 1, counts);
        }
      } finally {
        load.interrupt();
        load.join();
      }
      assertThat(counts[0]).as("%s: spent keys admitted while their owner was busy", mode).isZero();
      assertThat(counts[1]).as("%s: requests refused while the owner was busy", mode).isZero();
    }
  }

  /**
   * The demo's warm-up once went through the failure mode: with {@code closed} and one slow call it
   * threw out of {@code main} and left the process running as a member. {@link
   * HazelcastStore#warmUp} decides nothing, writes nothing and throws nothing, and stops at a
   * member that does not answer.
   */
  @Test
  void theWarmUpNeitherDecidesNorWritesNorThrows() {
    cluster.install(clock);
    String mapName = HazelcastTestCluster.newMapName();
    HazelcastStore store =
        HazelcastStore.builder()
            .instance(cluster.member(0))
            .mapName(mapName)
            .failureMode(FailureMode.FAIL_CLOSED)
            .build();
    assertThat(store.warmUp(32, Duration.ofSeconds(5))).isEqualTo(32);
    long start = System.nanoTime();
    int answered;
    try (Freeze freeze = Freeze.member(cluster, cluster.member(2))) {
      answered = store.warmUp(32, Duration.ofMillis(200));
      assertThat(freeze).isNotNull();
    }
    assertThat(answered).as("it stops at the frozen member's first key").isLessThan(32);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(cluster.member(0).getMap(mapName).size()).as("entries written").isZero();
    assertThat(store.failures()).as("warm-up calls are not the failure mode's").isZero();
  }
}
