/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import dev.limiter.Algorithm;
import dev.limiter.ManualClock;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import dev.limiter.spi.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A member leaves a three-member cluster (backup count 1) in the middle of a run: no key is reset
 * and no limit is exceeded. Each test starts its own cluster, since it takes a member away.
 */
class MemberLeavingTest {

  private static final long HOUR = 3_600_000_000_000L;
  private static final int MAX = 1500;
  private static final int PREFILLED_KEYS = 120;

  private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T10:00:00Z"));

  @Test
  void gracefulShutdownLosesNoCounts() throws Exception {
    leaveMidRun(member -> member.getLifecycleService().shutdown());
  }

  @Test
  void abruptTerminationLosesNoCounts() throws Exception {
    leaveMidRun(member -> member.getLifecycleService().terminate());
  }

  private void leaveMidRun(Consumer<HazelcastInstance> leave) throws Exception {
    try (HazelcastTestCluster cluster = HazelcastTestCluster.start(3)) {
      cluster.install(clock);
      String mapName = HazelcastTestCluster.newMapName();
      HazelcastInstance leaving = cluster.member(2);
      List<HazelcastStore> survivors = new ArrayList<>();
      for (HazelcastInstance member : cluster.members()) {
        if (member != leaving) {
          survivors.add(HazelcastTestCluster.storeBuilder(member, mapName).build());
        }
      }

      // keys spread over all members, each with 7 of 10 units used
      Step prefill = Step.acquire(Algorithm.FIXED_WINDOW, HOUR, 10, 7);
      for (int i = 0; i < PREFILLED_KEYS; i++) {
        assertThat(survivors.get(i % 2).apply("pre-" + i, prefill).remaining()).isEqualTo(3);
      }
      String hot = cluster.keyOwnedBy(leaving, "hot-");
      cluster.awaitSafe();

      Step step = Step.acquire(Algorithm.SLIDING_WINDOW, HOUR, MAX, 1);
      AtomicInteger admitted = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      CountDownLatch halfway = new CountDownLatch(MAX / 3);
      ExecutorService executor = Executors.newFixedThreadPool(4);
      try {
        List<Callable<Void>> tasks = new ArrayList<>();
        for (HazelcastStore store : survivors) {
          for (int t = 0; t < 2; t++) {
            tasks.add(
                () -> {
                  for (int i = 0; i < MAX / 2; i++) {
                    try {
                      if (store.apply(hot, step).allowed()) {
                        admitted.incrementAndGet();
                        halfway.countDown();
                      }
                    } catch (StoreException e) {
                      failed.incrementAndGet();
                    }
                  }
                  return null;
                });
          }
        }
        List<Future<Void>> futures = new ArrayList<>();
        for (Callable<Void> task : tasks) {
          futures.add(executor.submit(task));
        }
        assertThat(halfway.await(30, TimeUnit.SECONDS)).isTrue();
        leave.accept(leaving);
        for (Future<Void> future : futures) {
          future.get(60, TimeUnit.SECONDS);
        }
      } finally {
        executor.shutdownNow();
      }

      // the hammered key: 2 * MAX attempts, never more than MAX admitted, none given away afresh
      assertThat(admitted.get()).isLessThanOrEqualTo(MAX).isGreaterThan(MAX / 3);
      StepResult after = survivors.get(0).apply(hot, step);
      assertThat(after.allowed()).isFalse();
      assertThat(after.remaining()).isZero();

      // every prefilled key still has exactly its 3 units left, on whichever member owns it now
      Step probe = Step.acquire(Algorithm.FIXED_WINDOW, HOUR, 10, 1);
      for (int i = 0; i < PREFILLED_KEYS; i++) {
        assertThat(survivors.get(i % 2).apply("pre-" + i, probe).remaining())
            .as("remaining of pre-%d after a member left", i)
            .isEqualTo(2);
      }
      assertThat(failed.get()).as("calls that found no answer within 10 s").isLessThan(MAX / 10);
    }
  }
}
