/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The test cluster's own promises. Hazelcast assigns a new cluster's partitions on first use, so
 * threads that ask for owners at once on a cluster that has just formed, as the kit's concurrency
 * tests do with their first decisions, can read a partition with no owner (on this machine: a few
 * reads in 1,600 from 8 threads, on about one fresh cluster in 6): {@link
 * HazelcastTestCluster#owner} must wait for one rather than fail.
 */
class HazelcastTestClusterTest {

  private static final int THREADS = 8;
  private static final int KEYS_PER_THREAD = 200;

  @Test
  void everyThreadFindsTheRunningOwnerFromTheFirstCallOnAFreshCluster() throws Exception {
    try (HazelcastTestCluster cluster = HazelcastTestCluster.start(3)) {
      Map<String, HazelcastInstance> answered = new ConcurrentHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Void>> running = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          Callable<Void> task =
              () -> {
                start.await();
                for (int i = 0; i < KEYS_PER_THREAD; i++) {
                  String key = "key-" + thread + "-" + i;
                  answered.put(key, cluster.owner(key));
                }
                return null;
              };
          running.add(pool.submit(task));
        }
        start.countDown();
        for (Future<Void> future : running) {
          future.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(answered).hasSize(THREADS * KEYS_PER_THREAD);
      List<HazelcastInstance> members = cluster.members();
      answered.forEach(
          (key, owner) -> {
            assertThat(members).as("the owner of %s is running", key).contains(owner);
            assertThat(cluster.owner(key))
                .as("the owner of %s once the cluster is settled (no member joined or left)", key)
                .isSameAs(owner);
          });
    }
  }
}
