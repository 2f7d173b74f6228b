/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import dev.limiter.Algorithm;
import dev.limiter.Decision;
import dev.limiter.EndpointLimits;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import dev.limiter.failover.FailureMode;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StoreProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The store found through ServiceLoader and configured by {@code ratelimit.hazelcast.*} keys. */
class HazelcastStoreProviderTest {

  private static final long MINUTE = 60_000_000_000L;

  private static RateLimitConfig config(Map<String, String> values) {
    RateLimitConfig.Builder builder =
        RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of());
    values.forEach(builder::set);
    return builder.build();
  }

  private static Map<String, String> loopbackMember(String clusterName) {
    return Map.of(
        "ratelimit.hazelcast.cluster-name",
        clusterName,
        "ratelimit.hazelcast.port",
        String.valueOf(HazelcastTestCluster.BASE_PORT),
        "ratelimit.hazelcast.interface",
        "127.0.0.1",
        "ratelimit.hazelcast.members",
        "127.0.0.1:" + HazelcastTestCluster.BASE_PORT,
        "ratelimit.hazelcast.timeout-ms",
        "5000",
        "ratelimit.hazelcast.on-failure",
        "closed");
  }

  private static StoreProvider provider() {
    return ServiceLoader.load(StoreProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("hazelcast"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void serviceLoaderFindsTheHazelcastStore() {
    assertThat(ServiceLoader.load(StoreProvider.class).stream().map(p -> p.get().name()))
        .containsExactly("hazelcast");
    assertThat(provider()).isInstanceOf(HazelcastStoreProvider.class);
  }

  @Test
  void startsAMemberAClientAndUsesARunningInstanceByName() {
    String clusterName = "limiter-provider-" + UUID.randomUUID();
    Step step = Step.acquire(Algorithm.FIXED_WINDOW, MINUTE, 3, 1);
    HazelcastStore member = (HazelcastStore) provider().create(config(loopbackMember(clusterName)));
    try {
      assertThat(member.failureMode()).isEqualTo(FailureMode.FAIL_CLOSED);
      assertThat(member.mapName()).isEqualTo("ratelimit");
      assertThat(member.apply("k", step).remaining()).isEqualTo(2);

      int port = member.instance().getCluster().getLocalMember().getAddress().getPort();
      try (RateLimitStore client =
          provider()
              .create(
                  config(
                      Map.of(
                          "ratelimit.hazelcast.client", "true",
                          "ratelimit.hazelcast.cluster-name", clusterName,
                          "ratelimit.hazelcast.members", "127.0.0.1:" + port,
                          "ratelimit.hazelcast.timeout-ms", "10000",
                          "ratelimit.hazelcast.on-failure", "closed")))) {
        // the client starts without waiting for the cluster: until it is connected, the failure
        // mode answers
        HazelcastInstance clientInstance = ((HazelcastStore) client).instance();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> !clientInstance.getCluster().getMembers().isEmpty());
        assertThat(client.apply("k", step).remaining()).isEqualTo(1);
      }

      HazelcastInstance running = member.instance();
      RateLimitStore byName =
          provider().create(config(Map.of("ratelimit.hazelcast.instance-name", running.getName())));
      assertThat(byName.apply("k", step).remaining()).isZero();
      byName.close();
      assertThat(running.getLifecycleService().isRunning()).isTrue();
    } finally {
      member.close();
    }
    assertThat(member.instance().getLifecycleService().isRunning()).isFalse();
  }

  @Test
  void theEngineDiscoversTheStoreAndClosesIt() {
    String clusterName = "limiter-engine-" + UUID.randomUUID();
    RateLimiter limiter = RateLimiter.builder().config(config(loopbackMember(clusterName))).build();
    HazelcastInstance member;
    try {
      EndpointLimits limits =
          limiter.limits(List.of(RateLimitPolicy.of("search", "1m", 2, "apiKey")));
      assertThat(limiter.acquire(limits, "key-1").allowed()).isTrue();
      assertThat(limiter.acquire(limits, "key-1").allowed()).isTrue();
      Decision third = limiter.acquire(limits, "key-1");
      assertThat(third.allowed()).isFalse();
      assertThat(third.retryAfter()).isPositive();
      member = HazelcastInstanceFinder.byCluster(clusterName);
    } finally {
      limiter.close();
    }
    assertThat(member.getLifecycleService().isRunning()).isFalse();
  }

  @Test
  void aMemberFromAConfigurationFile() {
    try (HazelcastStore store =
        (HazelcastStore)
            provider()
                .create(
                    config(
                        Map.of(
                            "ratelimit.hazelcast.config", "classpath:hazelcast-test.yaml",
                            "ratelimit.hazelcast.map", "ratelimit-yaml",
                            "ratelimit.hazelcast.timeout-ms", "5000",
                            "ratelimit.hazelcast.max-wait-ms", "8000",
                            "ratelimit.hazelcast.fallback-nodes", "4")))) {
      assertThat(store.instance().getConfig().getClusterName())
          .isEqualTo("limiter-provider-yaml-test");
      assertThat(store.failureMode()).as("the default").isEqualTo(FailureMode.LOCAL_FALLBACK);
      assertThat(
              store.instance().getConfig().getProperty("hazelcast.operation.backup.timeout.millis"))
          .as("half of max-wait-ms")
          .isEqualTo("4000");
      assertThat(store.apply("k", Step.acquire(Algorithm.TOKEN_BUCKET, MINUTE, 1, 1)).allowed())
          .isTrue();
      assertThat(store.apply("k", Step.acquire(Algorithm.TOKEN_BUCKET, MINUTE, 1, 1)).allowed())
          .isFalse();
      assertThat(store.failures()).isZero();
    }
  }

  @Test
  void invalidSettingsSayWhatIsWrong() {
    assertThatThrownBy(
            () -> provider().create(config(Map.of("ratelimit.hazelcast.on-failure", "sometimes"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "configuration ratelimit.hazelcast.on-failure=\"sometimes\" (from code): \"sometimes\""
                + " is not a failure mode");
    assertThatThrownBy(
            () -> provider().create(config(Map.of("ratelimit.hazelcast.client", "maybe"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "configuration ratelimit.hazelcast.client=\"maybe\" (from code) is neither true nor"
                + " false");
    assertThatThrownBy(
            () -> provider().create(config(Map.of("ratelimit.hazelcast.instance-name", "nobody"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "configuration ratelimit.hazelcast.instance-name=nobody, but no Hazelcast member or"
                + " client");
    assertThatThrownBy(
            () ->
                provider()
                    .create(config(Map.of("ratelimit.hazelcast.config", "/no/such/hazelcast.xml"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "cannot read the Hazelcast configuration"
                + " ratelimit.hazelcast.config=/no/such/hazelcast.xml");
    assertThatThrownBy(
            () -> provider().create(config(Map.of("ratelimit.hazelcast.fallback-nodes", "0"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "configuration ratelimit.hazelcast.fallback-nodes=\"0\" (from code) must be at least"
                + " 1");
    assertThatThrownBy(
            () -> provider().create(config(Map.of("ratelimit.hazelcast.timeout-ms", "soon"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "configuration ratelimit.hazelcast.timeout-ms=\"soon\" (from code) is not a whole"
                + " number");
  }
}
