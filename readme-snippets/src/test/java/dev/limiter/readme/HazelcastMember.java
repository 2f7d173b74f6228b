/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.readme;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.limiter.hazelcast.HazelcastStore;
import dev.limiter.spi.RateLimitStore;
import java.io.File;
import java.io.FileNotFoundException;

/** hazelcast-store/README.md: a member configured from a file, and a store on it. */
final class HazelcastMember {

  private HazelcastMember() {}

  static RateLimitStore store() throws FileNotFoundException {
    // spotless:off
    // README: hazelcast member from a file
    Config config = HazelcastStore.configure(Config.loadFromFile(new File("hazelcast.yaml")));
    HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
    RateLimitStore store = HazelcastStore.builder().instance(member).build();
    // README end
    // spotless:on
    return store;
  }
}
