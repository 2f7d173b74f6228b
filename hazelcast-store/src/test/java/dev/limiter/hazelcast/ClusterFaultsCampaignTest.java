/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import dev.limiter.Algorithm;
import dev.limiter.EndpointLimits;
import dev.limiter.ManualClock;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import dev.limiter.failover.FailureMode;
import dev.limiter.spi.StoreException;
import dev.limiter.testing.CampaignReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The cluster-faults campaign (RELIABILITY.md): three application nodes, each an embedded member
 * with a limiter per failure mode (each mode on its own map, so that one run measures all three),
 * under a steady load from every live node on keys of 30 an hour, half of them spent before the
 * fault, half fresh. Faults: a member killed, a member killed and a new one joining, a rolling
 * restart (each member shut down gracefully, as on SIGTERM, and replaced), a member frozen (its
 * operations hang and its node stops, as under SIGSTOP) and resumed, two of three killed at once
 * (with two backups, the count that survives it), and a member that is only busy (its operations
 * stall 300 ms in every 400, as on a loaded machine), which every mode must wait for.
 *
 * <p>Counted per key in the hour: with {@code local} and {@code closed}, at most {@code max} for
 * keys whose owner the fault did not touch, and at most {@code 2 max} for every key; {@code open}'s
 * admissions are measured (it has no bound). No request fails in {@code open} or {@code local};
 * {@code closed} refuses only keys whose owner the fault touched. {@code -Dreliability.scale=N}
 * makes each fault last N times as long.
 */
class ClusterFaultsCampaignTest {

  private static final int MAX = 30;
  private static final String STORE_KEY = "account:";
  private static final int SCALE = Integer.getInteger("reliability.scale", 1);
  private static final Duration FAULT = Duration.ofMillis(2_500L * SCALE);
  private static final Logger FAILOVER_LOG = Logger.getLogger("dev.limiter.failover.FailoverStore");

  enum Fault {
    KILL_ONE,
    KILL_AND_REJOIN,
    ROLLING_RESTART,
    FREEZE_AND_RESUME,
    KILL_TWO,
    BUSY_MEMBER
  }

  @BeforeAll
  static void quiet() {
    FAILOVER_LOG.setLevel(Level.OFF); // thousands of expected warnings
  }

  @AfterAll
  static void loud() {
    FAILOVER_LOG.setLevel(null);
  }

  /** One application node: a member, a limiter per mode, a thread sending requests. */
  private final class Node {
    final HazelcastInstance member;
    final Map<FailureMode, RateLimiter> limiters = new EnumMap<>(FailureMode.class);
    final Map<FailureMode, EndpointLimits> limits = new EnumMap<>(FailureMode.class);
    final List<HazelcastStore> stores = new ArrayList<>();
    final AtomicBoolean sending = new AtomicBoolean(true);
    final AtomicBoolean paused = new AtomicBoolean();
    Thread thread;

    Node(HazelcastInstance member) {
      this.member = member;
      RateLimitConfig isolated =
          RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build();
      for (FailureMode mode : FailureMode.values()) {
        HazelcastStore store =
            HazelcastStore.builder()
                .instance(member)
                .mapName(mapName + "-" + mode.configName())
                .failureMode(mode)
                .timeout(Duration.ofMillis(100))
                .expiryMargin(Duration.ofHours(1))
                .clock(clock)
                .build();
        stores.add(store);
        RateLimiter limiter = RateLimiter.builder().store(store).config(isolated).build();
        limiters.put(mode, limiter);
        limits.put(
            mode,
            limiter.limits(
                List.of(
                    new RateLimitPolicy(
                        "account",
                        Duration.ofHours(1),
                        MAX,
                        "apiKey",
                        1,
                        Algorithm.SLIDING_WINDOW))));
      }
    }

    void start(List<String> keys, long seed) {
      thread =
          new Thread(
              () -> {
                Random random = new Random(seed);
                while (sending.get()) {
                  if (paused.get()) {
                    pause(5);
                    continue;
                  }
                  String key = keys.get(random.nextInt(keys.size()));
                  for (FailureMode mode : FailureMode.values()) {
                    send(mode, key);
                  }
                }
              },
              "node-" + member.getName());
      thread.setDaemon(true);
      thread.start();
    }

    void send(FailureMode mode, String key) {
      requests.incrementAndGet();
      try {
        boolean allowed = limiters.get(mode).acquire(limits.get(mode), key).allowed();
        if (!sending.get()) {
          return; // its member was killed under it: the process dies before it answers
        }
        if (allowed) {
          admitted.get(mode).computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        }
      } catch (StoreException e) {
        if (!sending.get()) {
          return; // its member was killed under it: the process dies with the request unanswered
        }
        refused.get(mode).computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        lastRefusal.put(key, String.valueOf(e.getMessage()));
      } catch (RuntimeException e) {
        errors.computeIfAbsent(mode + ": " + e, k -> new AtomicInteger()).incrementAndGet();
      }
    }

    void stop() throws InterruptedException {
      sending.set(false);
      if (thread != null) {
        thread.join(30_000);
      }
      stores.forEach(HazelcastStore::close);
    }
  }

  private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T10:00:00Z"));
  private final String mapName = HazelcastTestCluster.newMapName();
  private final AtomicInteger requests = new AtomicInteger();
  private final Map<FailureMode, Map<String, AtomicInteger>> admitted =
      new EnumMap<>(FailureMode.class);
  private final Map<FailureMode, Map<String, AtomicInteger>> refused =
      new EnumMap<>(FailureMode.class);
  private final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
  private final Map<String, String> lastRefusal = new ConcurrentHashMap<>();

  @ParameterizedTest
  @EnumSource(Fault.class)
  void aFaultCostsAtMostOneMoreQuotaAndOnlyOnTheKeysItTouches(Fault fault) throws Exception {
    for (FailureMode mode : FailureMode.values()) {
      admitted.put(mode, new ConcurrentHashMap<>());
      refused.put(mode, new ConcurrentHashMap<>());
    }
    try (HazelcastTestCluster cluster = HazelcastTestCluster.start(0)) {
      // two of three members lost at once keep their counters only with two backups
      int backups = fault == Fault.KILL_TWO ? 2 : 1;
      java.util.function.Consumer<com.hazelcast.config.Config> maps =
          config -> config.addMapConfig(new MapConfig(mapName + "-*").setBackupCount(backups));
      List<Node> nodes = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        cluster.addMember(maps);
      }
      cluster.awaitSafe();
      cluster.install(clock);
      for (HazelcastInstance member : cluster.members()) {
        nodes.add(new Node(member));
      }
      List<String> spent = new ArrayList<>();
      List<String> fresh = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        spent.add("spent-" + i);
        fresh.add("fresh-" + i);
      }
      for (String key : spent) {
        for (int i = 0; i < MAX; i++) {
          for (FailureMode mode : FailureMode.values()) {
            nodes.get(i % 3).send(mode, key);
          }
        }
      }
      List<String> keys = new ArrayList<>(spent);
      keys.addAll(fresh);
      Map<String, HazelcastInstance> ownerBefore = new HashMap<>();
      for (String key : keys) {
        ownerBefore.put(
            key, cluster.owner(STORE_KEY + key)); // the engine's key: policy and request key
      }
      for (int i = 0; i < nodes.size(); i++) {
        nodes.get(i).start(keys, i);
      }
      pause(1_000);

      Set<HazelcastInstance> touched = new HashSet<>();
      switch (fault) {
        case KILL_ONE -> kill(nodes.get(2), touched);
        case KILL_AND_REJOIN -> {
          kill(nodes.get(2), touched);
          pause(FAULT.toMillis() / 2);
          nodes.add(join(cluster, maps, keys));
        }
        case ROLLING_RESTART -> {
          for (int i = 0; i < 3; i++) {
            Node leaving = nodes.get(i);
            touched.add(leaving.member);
            leaving.stop();
            leaving.member.shutdown(); // graceful: its partitions move first, as on SIGTERM
            nodes.set(i, join(cluster, maps, keys));
            cluster.awaitSafe();
            pause(FAULT.toMillis() / 3);
          }
        }
        case FREEZE_AND_RESUME -> {
          Node frozen = nodes.get(2);
          touched.add(frozen.member);
          frozen.paused.set(true); // the whole process stops, its node too
          try (Freeze freeze = Freeze.member(cluster, frozen.member)) {
            pause(FAULT.toMillis());
            assertThat(freeze).isNotNull();
          }
          frozen.paused.set(false);
        }
        case BUSY_MEMBER -> {
          // a loaded machine: the member's partition threads busy 300 ms in every 400; it keeps
          // answering, so nothing is touched and every mode must decide on the cluster
          long end = System.nanoTime() + FAULT.toNanos();
          while (System.nanoTime() < end) {
            try (Freeze busy = Freeze.member(cluster, nodes.get(1).member)) {
              pause(300);
              assertThat(busy).isNotNull();
            }
            pause(100);
          }
        }
        case KILL_TWO -> {
          touched.add(nodes.get(1).member);
          touched.add(nodes.get(2).member);
          nodes.get(1).sending.set(false);
          nodes.get(2).sending.set(false);
          nodes.get(1).member.getLifecycleService().terminate();
          nodes.get(2).member.getLifecycleService().terminate();
          nodes.get(1).stop();
          nodes.get(2).stop();
        }
      }
      pause(fault == Fault.ROLLING_RESTART ? 1_000 : FAULT.toMillis());
      cluster.awaitSafe();
      pause(1_000);
      for (Node node : nodes) {
        node.stop();
      }

      // a key the fault touched: its owner before or after was a member the fault took or froze
      Set<String> touchedKeys = new HashSet<>();
      for (String key : keys) {
        HazelcastInstance before = ownerBefore.get(key);
        if (touched.contains(before) || cluster.owner(STORE_KEY + key) != before) {
          touchedKeys.add(key);
        }
      }
      report(fault, keys, touchedKeys);
    }
  }

  private void report(Fault fault, List<String> keys, Set<String> touchedKeys) {
    for (FailureMode mode : FailureMode.values()) {
      int mostUntouched = 0;
      int mostTouched = 0;
      int refusedUntouched = 0;
      int refusedAll = 0;
      for (String key : keys) {
        int count = admitted.get(mode).getOrDefault(key, new AtomicInteger()).get();
        int no = refused.get(mode).getOrDefault(key, new AtomicInteger()).get();
        refusedAll += no;
        if (touchedKeys.contains(key)) {
          mostTouched = Math.max(mostTouched, count);
        } else {
          mostUntouched = Math.max(mostUntouched, count);
          refusedUntouched += no;
        }
      }
      CampaignReport.of("cluster-faults")
          .with("fault", fault.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
          .with("mode", mode.configName())
          .with("requests_all_modes", requests.get())
          .with("keys_touched", touchedKeys.size() + "/" + keys.size())
          .with("most_admitted_untouched_key", mostUntouched)
          .with("most_admitted_touched_key", mostTouched)
          .with("refused_503", refusedAll)
          .with("refused_untouched", refusedUntouched)
          .write();
      assertThat(errors).as("requests that failed otherwise").isEmpty();
      if (mode != FailureMode.FAIL_CLOSED) {
        assertThat(refusedAll).as("%s refused nothing", mode).isZero();
      }
      if (touchedKeys.isEmpty()) {
        assertThat(mostUntouched)
            .as("%s, %s: a busy cluster admits exactly max", fault, mode)
            .isEqualTo(MAX);
        assertThat(refusedAll).as("%s, %s: a busy cluster refuses nothing", fault, mode).isZero();
      }
      if (mode != FailureMode.FAIL_OPEN) {
        assertThat(mostUntouched)
            .as("%s, %s: a key the fault did not touch", fault, mode)
            .isLessThanOrEqualTo(MAX);
        assertThat(mostTouched)
            .as("%s, %s: a key the fault touched", fault, mode)
            .isLessThanOrEqualTo(2 * MAX);
        assertThat(refusedUntouched)
            .as(
                "%s, %s: refusals of keys the fault did not touch, last: %s",
                fault, mode, lastRefusal)
            .isZero();
      }
    }
  }

  private static void kill(Node node, Set<HazelcastInstance> touched) throws InterruptedException {
    touched.add(node.member);
    node.sending.set(false);
    node.member.getLifecycleService().terminate(); // abrupt: the process dies with its node
    node.stop();
  }

  private Node join(
      HazelcastTestCluster cluster,
      java.util.function.Consumer<com.hazelcast.config.Config> maps,
      List<String> keys) {
    HazelcastInstance member = cluster.addMember(maps);
    cluster.install(clock);
    Node node = new Node(member);
    List<String> shuffled = new ArrayList<>(keys);
    Collections.shuffle(shuffled, new Random(member.hashCode()));
    node.start(shuffled, member.hashCode());
    return node;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
