/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.limiter.Algorithm;
import dev.limiter.ManualClock;
import dev.limiter.failover.FailoverStore;
import dev.limiter.failover.FailureMode;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import dev.limiter.spi.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Building a store: what it configures, what it checks, and the messages when something is off. */
class HazelcastStoreBuilderTest {

  @Test
  void configureRegistersTheFactoryAndAMapWithOneBackup() {
    Config config = HazelcastStore.configure(new Config());
    assertThat(config.getSerializationConfig().getDataSerializableFactories())
        .containsKey(StepProcessorFactory.FACTORY_ID);
    assertThat(config.getMapConfigOrNull("ratelimit").getBackupCount()).isEqualTo(1);
    HazelcastStore.configure(config); // twice is harmless
    assertThat(config.getSerializationConfig().getDataSerializableFactories()).hasSize(1);
  }

  @Test
  void configureLeavesAnExistingMapConfigAsItIs() {
    Config config = new Config().addMapConfig(new MapConfig("limits").setBackupCount(2));
    HazelcastStore.configure(config, "limits", 1);
    assertThat(config.getMapConfigOrNull("limits").getBackupCount()).isEqualTo(2);
  }

  @Test
  void theFactoryAsDocumentedInXmlAndYaml() {
    Config xml =
        Config.loadFromString(
            "<hazelcast xmlns=\"http://www.hazelcast.com/schema/config\"><serialization>"
                + "<data-serializable-factories>"
                + "<data-serializable-factory factory-id=\"1380732244\">"
                + "dev.limiter.hazelcast.StepProcessorFactory</data-serializable-factory>"
                + "</data-serializable-factories></serialization></hazelcast>");
    assertThat(xml.getSerializationConfig().getDataSerializableFactoryClasses())
        .containsEntry(StepProcessorFactory.FACTORY_ID, StepProcessorFactory.class.getName());
    Config yaml =
        Config.loadFromString(
            "hazelcast:\n  serialization:\n    data-serializable-factories:\n"
                + "      - factory-id: 1380732244\n"
                + "        class-name: dev.limiter.hazelcast.StepProcessorFactory\n");
    assertThat(yaml.getSerializationConfig().getDataSerializableFactoryClasses())
        .containsEntry(StepProcessorFactory.FACTORY_ID, StepProcessorFactory.class.getName());
  }

  @Test
  void theFactoryCreatesWhatTheStoreSends() {
    StepProcessorFactory factory = new StepProcessorFactory();
    assertThat(factory.create(StepProcessorFactory.STEP_PROCESSOR))
        .isInstanceOf(StepProcessor.class);
    assertThat(factory.create(StepProcessorFactory.STATE_WRITE)).isInstanceOf(StateWrite.class);
    assertThat(factory.create(99)).isNull();
    assertThat(factory).isEqualTo(new StepProcessorFactory());
  }

  @Test
  void resultsTravelAsSevenNumbers() {
    StepResult result =
        new StepResult()
            .set(false, 10, 3, 5_000, 2_000, 1_772_359_200_000_000_000L)
            .setGeneration(0xFFFF_FFFFL);
    StepResult decoded = new StepResult();
    StepProcessor.decode(StepProcessor.encode(result), decoded);
    assertThat(decoded).isEqualTo(result);
    assertThatThrownBy(() -> StepProcessor.decode(new long[3], decoded))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("same hazelcast-store version");
  }

  @Test
  void exactlyOneWayToReachTheClusterIsGiven() {
    assertThatThrownBy(() -> HazelcastStore.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "exactly one of instance(HazelcastInstance), memberConfig(Config) and clientConfig");
    assertThatThrownBy(
            () ->
                HazelcastStore.builder()
                    .memberConfig(new Config())
                    .clientConfig(new ClientConfig())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageEndingWith("got 2");
    assertThatThrownBy(
            () -> HazelcastStore.builder().clientConfig(new ClientConfig()).backupCount(2).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("backupCount applies to a member the store starts");
  }

  @Test
  void localFallbackIsTheDefault() {
    HazelcastTestCluster settings = HazelcastTestCluster.start(0);
    HazelcastStore store = HazelcastStore.builder().memberConfig(settings.memberConfig()).build();
    try {
      assertThat(store.failureMode()).isEqualTo(FailureMode.LOCAL_FALLBACK);
    } finally {
      store.close();
    }
  }

  @Test
  void settingsOutOfRangeAreRejected() {
    HazelcastStore.Builder builder = HazelcastStore.builder();
    assertThatThrownBy(() -> builder.mapName(" ")).hasMessage("mapName must not be blank");
    assertThatThrownBy(() -> builder.backupCount(7))
        .hasMessage("backupCount must be between 0 and 6, was 7");
    assertThatThrownBy(() -> builder.timeout(Duration.ZERO))
        .hasMessage("timeout must be at least 1 ms, was PT0S");
    assertThatThrownBy(() -> builder.expiryMargin(Duration.ofMillis(500)))
        .hasMessage("expiryMargin must be at least 1 s, was PT0.5S");
    assertThatThrownBy(() -> builder.failureThreshold(0))
        .hasMessage("failureThreshold must be at least 1, was 0");
    assertThatThrownBy(() -> builder.openInterval(Duration.ZERO))
        .hasMessage("openInterval must be at least 1 ms, was PT0S");
    assertThatThrownBy(() -> builder.fallbackNodes(0))
        .hasMessage("fallbackNodes must be at least 1, was 0");
    assertThatThrownBy(
            () ->
                HazelcastStore.builder()
                    .memberConfig(new Config())
                    .timeout(Duration.ofSeconds(1))
                    .maxWait(Duration.ofMillis(500))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("maxWait PT0.5S is shorter than the timeout PT1S");
  }

  @Test
  void failureOptionsAreCheckedByFailoverStoreWithItsMessages() {
    HazelcastStore.Builder builder = HazelcastStore.builder();
    FailoverStore.Builder failover = FailoverStore.builder();
    assertThatThrownBy(() -> builder.failureThreshold(-2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(messageOf(() -> failover.failureThreshold(-2)))
        .hasMessage("failureThreshold must be at least 1, was -2");
    assertThatThrownBy(() -> builder.openInterval(Duration.ofNanos(999_999)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(messageOf(() -> failover.openInterval(Duration.ofNanos(999_999))))
        .hasMessage("openInterval must be at least 1 ms, was PT0.000999999S");
    assertThatThrownBy(() -> builder.openInterval(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("openInterval");
    assertThatThrownBy(() -> builder.failureMode(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("failureMode");
  }

  private static String messageOf(ThrowingCallable call) {
    return catchThrowable(call).getMessage();
  }

  @Test
  void aMemberWithoutTheFactoryIsRefusedOrNamedAndAStartedMemberGetsIt() {
    HazelcastTestCluster settings = HazelcastTestCluster.start(0);
    Config plain = settings.memberConfig();
    plain.getSerializationConfig().getDataSerializableFactories().clear();
    HazelcastInstance member = Hazelcast.newHazelcastInstance(plain);
    try {
      assertThatThrownBy(() -> HazelcastStore.builder().instance(member).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("has no StepProcessorFactory (factory id 1380732244)")
          .hasMessageContaining("HazelcastStore.configure(config)");

      ClientConfig clientConfig = new ClientConfig();
      clientConfig.setClusterName(settings.clusterName());
      clientConfig
          .getNetworkConfig()
          .addAddress("127.0.0.1:" + member.getCluster().getLocalMember().getAddress().getPort());
      HazelcastStore fromClient =
          HazelcastStore.builder()
              .clientConfig(clientConfig)
              .failureMode(FailureMode.FAIL_CLOSED)
              .timeout(Duration.ofSeconds(10))
              .build();
      Logger failoverLog = Logger.getLogger("dev.limiter.failover.FailoverStore");
      failoverLog.setLevel(Level.OFF); // the failure is expected here
      try {
        assertThatThrownBy(
                () ->
                    fromClient.apply(
                        "k", Step.acquire(Algorithm.FIXED_WINDOW, 60_000_000_000L, 1, 1)))
            .isInstanceOf(StoreException.class)
            .hasMessageContaining("StepProcessorFactory registered under factory id 1380732244");
      } finally {
        failoverLog.setLevel(null);
        fromClient.close();
      }
    } finally {
      member.getLifecycleService().terminate();
    }

    ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T10:00:00Z"));
    Config config = settings.memberConfig();
    config.getProperties().remove("hazelcast.operation.backup.timeout.millis");
    HazelcastStore store =
        HazelcastStore.builder()
            .memberConfig(config)
            .mapName("own")
            .backupCount(2)
            .clock(clock)
            .failureMode(FailureMode.FAIL_CLOSED)
            .timeout(Duration.ofSeconds(10)) // a cold member's first call can take 100 ms or more
            .build();
    try {
      assertThat(store.instance().getConfig().getMapConfig("own").getBackupCount()).isEqualTo(2);
      assertThat(store.failureMode()).isEqualTo(FailureMode.FAIL_CLOSED);
      // a member the store starts leaves gracefully on a signal, and a write waiting on a frozen
      // backup member answers within half of maxWait (10 x the 10 s timeout here)
      assertThat(config.getProperty("hazelcast.shutdownhook.policy")).isEqualTo("GRACEFUL");
      assertThat(config.getProperty("hazelcast.operation.backup.timeout.millis"))
          .isEqualTo("50000");
      StepResult result =
          store.apply("k", Step.acquire(Algorithm.FIXED_WINDOW, 60_000_000_000L, 1, 1));
      assertThat(result.stampNanos()).isEqualTo(clock.epochNanos());
    } finally {
      store.close();
    }
    assertThat(store.instance().getLifecycleService().isRunning()).isFalse();
  }
}
