/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.SerializationConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.limiter.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link HazelcastStore} gets its Hazelcast instance: a running member or client, or a
 * member or client that the store starts (and shuts down when it closes). The builder records the
 * choice here, with the backup count of a member the store starts; {@link #start} starts the
 * instance, or checks that a running member has the {@link StepProcessorFactory}.
 *
 * <p>It also prepares member configurations for the store ({@link #configure}: the factory, the map
 * and its backups), and holds the checks of the map name and backup count that the builder and
 * {@link HazelcastStore#configure(Config, String, int)} share.
 */
final class InstanceSource {

  private @Nullable HazelcastInstance instance;
  private @Nullable Config memberConfig;
  private @Nullable ClientConfig clientConfig;
  private int backupCount = HazelcastStore.DEFAULT_BACKUP_COUNT;
  private boolean backupCountSet;

  /** Uses a running member or client, which the store leaves running. */
  void instance(HazelcastInstance instance) {
    this.instance = instance;
  }

  /** Starts a member from {@code config}, configured for the store. */
  void memberConfig(Config config) {
    this.memberConfig = config;
  }

  /** Starts a client from {@code config}. */
  void clientConfig(ClientConfig config) {
    this.clientConfig = config;
  }

  /** Sets the backup count of the map on the member the store starts, in place of the default. */
  void backupCount(int backupCount) {
    checkBackupCount(backupCount);
    this.backupCount = backupCount;
    this.backupCountSet = true;
  }

  /**
   * Checks that exactly one of an instance, a member configuration and a client configuration was
   * given.
   */
  void checkOneSource() {
    int sources =
        (instance != null ? 1 : 0)
            + (memberConfig != null ? 1 : 0)
            + (clientConfig != null ? 1 : 0);
    if (sources != 1) {
      throw new IllegalStateException(
          "give the store exactly one of instance(HazelcastInstance), memberConfig(Config) and"
              + " clientConfig(ClientConfig); got "
              + sources);
    }
  }

  /** Checks that a backup count was set only for a member the store starts. */
  void checkBackupCountApplies(String mapName) {
    if (backupCountSet && memberConfig == null) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "backupCount applies to a member the store starts from memberConfig(Config); for"
                  + " members started elsewhere set the backup count of map \"%s\" in their"
                  + " configuration (HazelcastStore.configure(config, \"%s\", %d))",
              mapName,
              mapName,
              backupCount));
    }
  }

  /** Whether {@link #start} starts the instance, so that the store shuts it down when it closes. */
  boolean startsItsOwn() {
    return memberConfig != null || clientConfig != null;
  }

  /**
   * Starts the member or client, or prepares the running instance: a running member must have the
   * factory. A member gets {@code clock} under {@link HazelcastStore#CLOCK_KEY}, if there is one.
   *
   * @param maxWait the store's longest wait for a call, which the wait of a started member's writes
   *     for their backups must stay within
   * @throws IllegalArgumentException if the running member lacks {@link StepProcessorFactory}
   */
  HazelcastInstance start(String mapName, @Nullable Clock clock, Duration maxWait) {
    if (memberConfig != null) {
      return startMember(memberConfig, mapName, clock, maxWait);
    }
    if (clientConfig != null) {
      return HazelcastClient.newHazelcastClient(clientConfig);
    }
    return adopt(Objects.requireNonNull(instance, "instance"), clock);
  }

  /** See {@link HazelcastStore#configure(Config, String, int)}. */
  static Config configure(Config config, String mapName, int backupCount) {
    Objects.requireNonNull(config, "config");
    checkMapName(mapName);
    checkBackupCount(backupCount);
    registerFactory(config.getSerializationConfig());
    if (config.getMapConfigOrNull(mapName) == null) {
      config.addMapConfig(new MapConfig(mapName).setBackupCount(backupCount));
    }
    return config;
  }

  private HazelcastInstance startMember(
      Config config, String mapName, @Nullable Clock clock, Duration maxWait) {
    if (backupCountSet) {
      MapConfig existing = config.getMapConfigOrNull(mapName);
      if (existing != null) {
        existing.setBackupCount(backupCount);
      }
    }
    configure(config, mapName, backupCount);
    if (clock != null) {
      config.getUserContext().put(HazelcastStore.CLOCK_KEY, clock);
    }
    // a member stopped by a signal hands its partitions over rather than vanishing, and a write
    // whose backup member is frozen answers before a call waiting for it gives up
    setIfAbsent(config, "hazelcast.shutdownhook.policy", "GRACEFUL");
    setIfAbsent(
        config,
        "hazelcast.operation.backup.timeout.millis",
        Long.toString(Math.max(1, maxWait.toMillis() / 2)));
    return Hazelcast.newHazelcastInstance(config);
  }

  private static HazelcastInstance adopt(HazelcastInstance given, @Nullable Clock clock) {
    if (given.getLocalEndpoint() instanceof Member) {
      if (!hasFactory(given.getConfig().getSerializationConfig())) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "member %s has no StepProcessorFactory (factory id %d) in its serialization"
                    + " configuration; call HazelcastStore.configure(config) before"
                    + " Hazelcast.newHazelcastInstance(config), or name the factory in"
                    + " hazelcast.xml",
                given.getName(),
                StepProcessorFactory.FACTORY_ID));
      }
      if (clock != null) {
        given.getUserContext().put(HazelcastStore.CLOCK_KEY, clock);
      }
    }
    return given;
  }

  static void checkMapName(String mapName) {
    Objects.requireNonNull(mapName, "mapName");
    if (mapName.isBlank()) {
      throw new IllegalArgumentException("mapName must not be blank");
    }
  }

  static void checkBackupCount(int backupCount) {
    if (backupCount < 0 || backupCount > MapConfig.MAX_BACKUP_COUNT) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "backupCount must be between 0 and %d, was %d",
              MapConfig.MAX_BACKUP_COUNT,
              backupCount));
    }
  }

  private static void registerFactory(SerializationConfig serialization) {
    if (!hasFactory(serialization)) {
      serialization.addDataSerializableFactory(
          StepProcessorFactory.FACTORY_ID, new StepProcessorFactory());
    }
  }

  private static boolean hasFactory(SerializationConfig serialization) {
    return serialization.getDataSerializableFactories().containsKey(StepProcessorFactory.FACTORY_ID)
        || serialization
            .getDataSerializableFactoryClasses()
            .containsKey(StepProcessorFactory.FACTORY_ID);
  }

  private static void setIfAbsent(Config config, String property, String value) {
    if (config.getProperty(property) == null && System.getProperty(property) == null) {
      config.setProperty(property, value);
    }
  }
}
