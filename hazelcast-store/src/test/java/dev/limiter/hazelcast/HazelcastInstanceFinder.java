/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/** Finds members started inside code under test. */
final class HazelcastInstanceFinder {

  private HazelcastInstanceFinder() {}

  static HazelcastInstance byCluster(String clusterName) {
    return Hazelcast.getAllHazelcastInstances().stream()
        .filter(member -> member.getConfig().getClusterName().equals(clusterName))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no member of cluster " + clusterName));
  }
}
