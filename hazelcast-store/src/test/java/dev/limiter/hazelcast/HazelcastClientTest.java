/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import dev.limiter.Algorithm;
import dev.limiter.ManualClock;
import dev.limiter.failover.FailureMode;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A Hazelcast client deciding against two members. */
class HazelcastClientTest {

  private static final long MINUTE = 60_000_000_000L;

  private static HazelcastTestCluster cluster;
  private static HazelcastInstance client;

  private final ManualClock membersClock = ManualClock.at(Instant.parse("2026-03-01T10:00:00Z"));
  private final ManualClock clientClock = ManualClock.at(Instant.parse("2030-01-01T00:00:00Z"));

  @BeforeAll
  static void startCluster() {
    cluster = HazelcastTestCluster.start(2);
    client = cluster.newClient(cluster.clientConfig());
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @Test
  void decidesOnTheMembersWithTheirClock() {
    cluster.install(membersClock);
    try (HazelcastStore store =
        HazelcastTestCluster.storeBuilder(client, HazelcastTestCluster.newMapName())
            .clock(clientClock)
            .build()) {
      Step step = Step.acquire(Algorithm.TOKEN_BUCKET, MINUTE, 2, 1);
      StepResult first = store.apply("k", step);
      assertThat(first.allowed()).isTrue();
      assertThat(first.stampNanos()).isEqualTo(membersClock.epochNanos());
      assertThat(store.apply("k", step).allowed()).isTrue();
      StepResult rejected = store.apply("k", step);
      assertThat(rejected.allowed()).isFalse();
      assertThat(rejected.retryAfterNanos()).isEqualTo(MINUTE / 2);
      assertThat(clientClock.instant()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
    }
  }

  @Test
  void clientsAndMembersShareOneLimitExactly() throws Exception {
    cluster.install(membersClock);
    String mapName = HazelcastTestCluster.newMapName();
    List<HazelcastStore> stores = new ArrayList<>();
    stores.add(HazelcastTestCluster.storeBuilder(client, mapName).build());
    stores.add(HazelcastTestCluster.storeBuilder(client, mapName).build());
    for (HazelcastInstance member : cluster.members()) {
      stores.add(HazelcastTestCluster.storeBuilder(member, mapName).build());
    }
    int max = 200;
    Step step = Step.acquire(Algorithm.FIXED_WINDOW, 60 * MINUTE, max, 1);
    AtomicInteger admitted = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(stores.size());
    try {
      List<Callable<Void>> tasks = new ArrayList<>();
      for (HazelcastStore store : stores) {
        tasks.add(
            () -> {
              for (int i = 0; i < 100; i++) {
                if (store.apply("shared", step).allowed()) {
                  admitted.incrementAndGet();
                }
              }
              return null;
            });
      }
      for (Future<Void> future : executor.invokeAll(tasks)) {
        future.get();
      }
    } finally {
      executor.shutdownNow();
    }
    assertThat(admitted).hasValue(max);
  }

  @Test
  void aStoreCanStartAndShutDownItsOwnClient() {
    cluster.install(membersClock);
    ClientConfig config = cluster.clientConfig();
    HazelcastStore store =
        HazelcastStore.builder()
            .clientConfig(config)
            .mapName(HazelcastTestCluster.newMapName())
            .failureMode(FailureMode.FAIL_CLOSED)
            .timeout(Duration.ofSeconds(10)) // a new client's first call makes its connection
            .build();
    try {
      assertThat(store.apply("k", Step.acquire(Algorithm.SLIDING_WINDOW, MINUTE, 1, 1)).allowed())
          .isTrue();
      assertThat(store.apply("k", Step.acquire(Algorithm.SLIDING_WINDOW, MINUTE, 1, 1)).allowed())
          .isFalse();
    } finally {
      store.close();
    }
    assertThat(store.instance().getLifecycleService().isRunning()).isFalse();
    assertThat(client.getLifecycleService().isRunning()).isTrue();
  }
}
