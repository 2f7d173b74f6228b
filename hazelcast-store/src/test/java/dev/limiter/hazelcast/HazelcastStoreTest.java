/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.EntryView;
import com.hazelcast.core.HazelcastInstance;
import dev.limiter.Algorithm;
import dev.limiter.ManualClock;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Decisions through a real three-member cluster, sent from members that do not own the key. */
class HazelcastStoreTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long MINUTE = 60 * SECOND;

  private static HazelcastTestCluster cluster;

  private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T10:00:00.250Z"));

  @BeforeAll
  static void startCluster() {
    cluster = HazelcastTestCluster.start(3);
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  /**
   * The cluster decides exactly what the algorithm decides on a local array: a random walk of
   * acquires, releases and clock moves gives equal results step by step.
   */
  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void decidesExactlyAsTheAlgorithmDoesLocally(Algorithm algorithm) {
    RateLimitStore store = cluster.createStore(clock);
    Map<String, long[]> reference = new HashMap<>();
    Random random = new Random(42 + algorithm.code());
    String[] keys = {"alice", "bob", "carol", "dave"};
    long window = 10 * SECOND;
    for (int i = 0; i < 400; i++) {
      String key = keys[random.nextInt(keys.length)];
      long limit =
          5L + random.nextInt(2) * 3L; // 5 or 8: a limit change carries the used units over
      long cost = 1L + random.nextInt(2);
      Step step = Step.acquire(algorithm, window, limit, cost);
      StepResult expected = applyLocally(reference, key, step);
      StepResult actual = store.apply(key, step);
      assertThat(actual)
          .as("step %d on %s", i, key)
          .usingRecursiveComparison()
          .ignoringFields("generation") // each side's state has its own
          .isEqualTo(expected);
      assertThat(actual.generation()).isNotZero();
      if (actual.allowed() && random.nextInt(5) == 0) {
        Step release =
            Step.release(algorithm, window, limit, cost, actual.stampNanos(), actual.generation());
        Step localRelease =
            Step.release(
                algorithm, window, limit, cost, expected.stampNanos(), expected.generation());
        assertThat(store.apply(key, release))
            .usingRecursiveComparison()
            .ignoringFields("generation")
            .isEqualTo(applyLocally(reference, key, localRelease));
      }
      clock.advanceNanos(random.nextInt(1500) * 1_000_000L);
    }
  }

  private StepResult applyLocally(Map<String, long[]> states, String key, Step step) {
    long[] state = step.prepare(states.get(key));
    StepResult result = step.applyTo(state, clock.epochNanos());
    states.put(key, state);
    return result;
  }

  @Test
  void admitsMaxThenRejectsWithTheTimeUntilTheWindowEnds() {
    RateLimitStore store = cluster.createStore(clock);
    Step step = Step.acquire(Algorithm.FIXED_WINDOW, MINUTE, 3, 1);
    for (int i = 2; i >= 0; i--) {
      StepResult result = store.apply("k", step);
      assertThat(result.allowed()).isTrue();
      assertThat(result.remaining()).isEqualTo(i);
    }
    StepResult rejected = store.apply("k", step);
    assertThat(rejected.allowed()).isFalse();
    assertThat(rejected.retryAfterNanos()).isEqualTo(MINUTE - SECOND / 4);
    clock.advance(Duration.ofMinutes(1));
    assertThat(store.apply("k", step).allowed()).isTrue();
  }

  @Test
  void decidesOnTheOwnersClockNotTheCallers() {
    String mapName = HazelcastTestCluster.newMapName();
    cluster.install(clock);
    String key = "clock-key";
    HazelcastInstance owner = cluster.owner(key);
    ManualClock ownerClock = ManualClock.at(Instant.parse("2026-03-01T11:00:00Z"));
    owner.getUserContext().put(HazelcastStore.CLOCK_KEY, ownerClock);
    try (HazelcastStore store =
        HazelcastTestCluster.storeBuilder(cluster.nonOwner(key), mapName).build()) {
      StepResult result = store.apply(key, Step.acquire(Algorithm.TOKEN_BUCKET, MINUTE, 10, 1));
      assertThat(result.stampNanos())
          .isEqualTo(ownerClock.epochNanos())
          .isNotEqualTo(clock.epochNanos());
    } finally {
      cluster.install(clock);
    }
  }

  @Test
  void setsTheTtlFromTheWindowRoundedUpAndWritesOnlyWhatChanged() {
    String mapName = HazelcastTestCluster.newMapName();
    cluster.install(clock);
    String key = "ttl-key";
    HazelcastInstance caller = cluster.nonOwner(key);
    try (HazelcastStore store =
        HazelcastTestCluster.storeBuilder(caller, mapName)
            .expiryMargin(Duration.ofSeconds(2))
            .build()) {
      Step step = Step.acquire(Algorithm.FIXED_WINDOW, 1500 * 1_000_000L, 1, 1);
      assertThat(store.apply(key, step).allowed()).isTrue();
      EntryView<String, long[]> written = caller.<String, long[]>getMap(mapName).getEntryView(key);
      assertThat(written.getTtl()).isEqualTo(4000); // 1.5 s rounded up to 2 s, plus 2 s
      assertThat(store.apply(key, step).allowed()).isFalse();
      EntryView<String, long[]> after = caller.<String, long[]>getMap(mapName).getEntryView(key);
      assertThat(after.getVersion()).isEqualTo(written.getVersion()); // a rejection wrote nothing
    }
  }

  @Test
  void idleKeysExpireOnTheirTtl() {
    String mapName = HazelcastTestCluster.newMapName();
    HazelcastInstance caller = cluster.member(0);
    try (HazelcastStore store =
        HazelcastStore.builder().instance(caller).mapName(mapName).clock(clock).build()) {
      store.apply("short", Step.acquire(Algorithm.FIXED_WINDOW, 500 * 1_000_000L, 1, 1));
      assertThat(caller.getMap(mapName).containsKey("short")).isTrue();
      await()
          .atMost(Duration.ofSeconds(6))
          .until(() -> !caller.getMap(mapName).containsKey("short"));
    } finally {
      cluster.install(clock);
    }
  }

  @Test
  void threadsOnEveryMemberAdmitExactlyMax() throws Exception {
    String mapName = HazelcastTestCluster.newMapName();
    cluster.install(clock);
    List<HazelcastStore> stores = new ArrayList<>();
    for (HazelcastInstance member : cluster.members()) {
      stores.add(HazelcastTestCluster.storeBuilder(member, mapName).build());
    }
    int max = 300;
    Step step = Step.acquire(Algorithm.SLIDING_WINDOW, 60 * MINUTE, max, 1);
    AtomicInteger admitted = new AtomicInteger();
    AtomicInteger rejected = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(stores.size() * 2);
    try {
      List<Callable<Void>> tasks = new ArrayList<>();
      for (HazelcastStore store : stores) {
        for (int t = 0; t < 2; t++) {
          tasks.add(
              () -> {
                for (int i = 0; i < 120; i++) {
                  if (store.apply("hot", step).allowed()) {
                    admitted.incrementAndGet();
                  } else {
                    rejected.incrementAndGet();
                  }
                }
                return null;
              });
        }
      }
      for (Future<Void> future : executor.invokeAll(tasks)) {
        future.get();
      }
    } finally {
      executor.shutdownNow();
    }
    assertThat(admitted).hasValue(max);
    assertThat(rejected).hasValue(stores.size() * 2 * 120 - max);
  }
}
