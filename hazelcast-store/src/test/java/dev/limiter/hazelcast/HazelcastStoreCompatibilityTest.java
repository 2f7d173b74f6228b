/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import dev.limiter.ManualClock;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.test.StoreCompatibilityKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store compatibility kit on a 3-member loopback cluster, every call sent from a member that
 * does not own the key. Members expire entries on real time, so the kit's size checks are left out
 * ({@code storedKeys} stays -1); an expired key must still decide as a fresh one.
 */
class HazelcastStoreCompatibilityTest extends StoreCompatibilityKit {

  private static HazelcastTestCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = HazelcastTestCluster.start(3);
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @Override
  protected RateLimitStore createStore(ManualClock clock) {
    return cluster.createStore(clock);
  }

  /** Every call is a network round trip: enough attempts to race, not 20,000 of them. */
  @Override
  protected int concurrentAttempts() {
    return 4_000;
  }

  @Override
  protected int concurrentKeys() {
    return 1_000;
  }
}
