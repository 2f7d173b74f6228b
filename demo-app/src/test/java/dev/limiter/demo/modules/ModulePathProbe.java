/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo.modules;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.limiter.Decision;
import dev.limiter.EndpointLimits;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import dev.limiter.hazelcast.HazelcastStore;
import dev.limiter.spi.RateLimitStore;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Run by {@link ModulePathTest} in a JVM that has the limiter's jars on its module path and this
 * class on its class path; prints what it found, one fact per line.
 */
public final class ModulePathProbe {

  private ModulePathProbe() {}

  /**
   * Runs the probe.
   *
   * @param args the loopback port for the Hazelcast member
   * @throws Exception if anything fails, which the test reads as a failure
   */
  public static void main(String[] args) throws Exception {
    // ServiceLoader from a named module needs `uses` in limiter-api and `provides` in the store
    try (RateLimiter limiter = RateLimiter.ofDefaults()) {
      EndpointLimits limits =
          limiter.limits(List.of(RateLimitPolicy.of("probe", "1m", 2, "apiKey")));
      int admitted = 0;
      for (int i = 0; i < 3; i++) {
        admitted += limiter.acquire(limits, "k").allowed() ? 1 : 0;
      }
      System.out.println("engine " + RateLimiter.class.getModule().getName());
      System.out.println("admitted " + admitted + " of 3");
    }
    for (String type :
        List.of(
            "dev.limiter.caffeine.CaffeineStore",
            "dev.limiter.hazelcast.HazelcastStore",
            "dev.limiter.servlet.RateLimitFilter",
            "dev.limiter.jaxrs.RateLimitFeature",
            "dev.limiter.failover.FailoverStore")) {
      System.out.println(type + " in " + Class.forName(type).getModule().getName());
    }
    Method prepare =
        Class.forName("dev.limiter.algorithm.States")
            .getMethod("prepare", dev.limiter.spi.Step.class, long[].class);
    try {
      prepare.invoke(null, null, null);
      System.out.println("dev.limiter.algorithm is open to the class path");
    } catch (IllegalAccessException e) {
      System.out.println("dev.limiter.algorithm is not exported");
    }
    try (RateLimitStore store =
            HazelcastStore.builder().memberConfig(loopback(args[0])).mapName("probe").build();
        RateLimiter limiter = RateLimiter.builder().store(store).build()) {
      EndpointLimits limits =
          limiter.limits(List.of(RateLimitPolicy.of("cluster", "1m", 1, "apiKey")));
      Decision first = limiter.acquire(limits, "k");
      Decision second = limiter.acquire(limits, "k");
      System.out.println(
          "hazelcast member decided " + first.allowed() + " then " + second.allowed());
    }
  }

  private static Config loopback(String port) {
    Config config = new Config();
    config.setClusterName("module-path-probe");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.logging.type", "none");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(Integer.parseInt(port)).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + port);
    return config;
  }
}
