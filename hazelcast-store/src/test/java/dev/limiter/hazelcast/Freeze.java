/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import java.io.Serializable;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A member whose operations hang, as under SIGSTOP, in this JVM: an entry processor that waits on a
 * latch runs on each of the member's partition threads, so every operation on the partitions it
 * holds (as owner or as backup) queues behind it, while its heartbeats go on and the cluster keeps
 * it as a member. {@link #close} lets everything run again.
 *
 * <p>The members must run {@value #PARTITION_THREADS} partition threads ({@code
 * hazelcast.operation.thread.count}), which {@link HazelcastTestCluster} configures.
 */
final class Freeze implements AutoCloseable {

  static final int PARTITION_THREADS = 2;

  private static final Map<String, CountDownLatch> LATCHES = new ConcurrentHashMap<>();

  private final String name = "freeze-" + UUID.randomUUID();
  private final CountDownLatch latch = new CountDownLatch(1);

  private Freeze() {}

  /** Freezes {@code member}'s partition threads until {@link #close}, or a minute at most. */
  static Freeze member(HazelcastTestCluster cluster, HazelcastInstance member) {
    Freeze freeze = new Freeze();
    LATCHES.put(freeze.name, freeze.latch);
    boolean[] blocked = new boolean[PARTITION_THREADS];
    int done = 0;
    for (int i = 0; done < PARTITION_THREADS; i++) {
      String key = "freeze-" + i;
      int partition = member.getPartitionService().getPartition(key).getPartitionId();
      int thread = partition % PARTITION_THREADS;
      if (!blocked[thread] && cluster.owner(key) == member) {
        member.getMap("freeze").submitToKey(key, new Block(freeze.name));
        blocked[thread] = true;
        done++;
      }
    }
    return freeze;
  }

  /** Lets the member's operations run again. */
  @Override
  public void close() {
    latch.countDown();
    LATCHES.remove(name);
  }

  /** Waits on the latch of its freeze, on the partition thread that runs it. */
  private static final class Block implements EntryProcessor<Object, Object, Object>, Serializable {
    private static final long serialVersionUID = 1L;
    private final String name;

    Block(String name) {
      this.name = name;
    }

    @Override
    public Object process(Map.Entry<Object, Object> entry) {
      CountDownLatch latch = LATCHES.get(name);
      if (latch != null) {
        try {
          latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return true;
    }

    @Override
    public EntryProcessor<Object, Object, Object> getBackupProcessor() {
      return null;
    }
  }
}
