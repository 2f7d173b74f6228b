/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.limiter.Clock;
import dev.limiter.ManualClock;
import dev.limiter.failover.FailureMode;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Real Hazelcast members in this JVM, on loopback only, for tests: a unique cluster name, TCP-IP
 * join on 127.0.0.1 from port {@link #BASE_PORT} up, multicast, auto-detection and phone-home off.
 * Start one per test class, not per test method.
 *
 * <p>{@link #createStore(ManualClock)} is the factory a store compatibility kit needs: a store
 * whose every call is sent from a member that does not own the key, deciding on the given clock.
 */
final class HazelcastTestCluster implements AutoCloseable {

  /** The first port members try; 5701 stays free for anything else on the machine. */
  static final int BASE_PORT = 5801;

  /** How long {@link #owner} waits for a partition to have a running owner. */
  static final Duration OWNER_WAIT = Duration.ofSeconds(30);

  private static final AtomicInteger MAPS = new AtomicInteger();

  private final String clusterName = "limiter-test-" + UUID.randomUUID();
  private final List<HazelcastInstance> members = new CopyOnWriteArrayList<>();
  private final List<HazelcastInstance> clients = new CopyOnWriteArrayList<>();

  private HazelcastTestCluster() {}

  /**
   * Starts {@code size} members and waits until they form one cluster.
   *
   * @param size the number of members
   * @return the cluster
   */
  static HazelcastTestCluster start(int size) {
    HazelcastTestCluster cluster = new HazelcastTestCluster();
    for (int i = 0; i < size; i++) {
      cluster.addMember();
    }
    cluster.awaitSafe();
    return cluster;
  }

  String clusterName() {
    return clusterName;
  }

  /** A loopback member configuration for this cluster, prepared for the store. */
  Config memberConfig() {
    Config config = new Config();
    config.setClusterName(clusterName);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    // few partition threads, so that Freeze can block them all; a write whose backup member is
    // frozen answers within half a second, before a call waiting on a busy member gives up
    config.setProperty(
        "hazelcast.operation.thread.count", Integer.toString(Freeze.PARTITION_THREADS));
    config.setProperty("hazelcast.operation.backup.timeout.millis", "500");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(BASE_PORT).setPortAutoIncrement(true).setPortCount(100);
    network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true);
    // join through the members already running (their real ports), the first one through itself:
    // a short list, because every address that does not answer slows the join down
    List<HazelcastInstance> running = members();
    if (running.isEmpty()) {
      join.getTcpIpConfig().addMember("127.0.0.1:" + BASE_PORT);
    }
    for (HazelcastInstance member : running) {
      join.getTcpIpConfig()
          .addMember("127.0.0.1:" + member.getCluster().getLocalMember().getAddress().getPort());
    }
    config.addMapConfig(new MapConfig("test-*").setBackupCount(1));
    return HazelcastStore.configure(config);
  }

  /** A client configuration for this cluster, connecting to the members' ports. */
  ClientConfig clientConfig() {
    ClientConfig config = new ClientConfig();
    config.setClusterName(clusterName);
    for (HazelcastInstance member : members) {
      config
          .getNetworkConfig()
          .addAddress("127.0.0.1:" + member.getCluster().getLocalMember().getAddress().getPort());
    }
    return config;
  }

  HazelcastInstance addMember() {
    return addMember(config -> {});
  }

  /** Starts a member whose configuration {@code customizer} may change first. */
  HazelcastInstance addMember(Consumer<Config> customizer) {
    Config config = memberConfig();
    customizer.accept(config);
    HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
    members.add(member);
    return member;
  }

  HazelcastInstance newClient(ClientConfig config) {
    HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
    clients.add(client);
    return client;
  }

  /** The running members, in the order they were started. */
  List<HazelcastInstance> members() {
    List<HazelcastInstance> running = new ArrayList<>();
    for (HazelcastInstance member : members) {
      if (member.getLifecycleService().isRunning()) {
        running.add(member);
      }
    }
    return running;
  }

  HazelcastInstance member(int index) {
    return members().get(index);
  }

  /**
   * The running member that owns {@code key}'s partition. Right after the cluster forms or a member
   * joins or leaves, the partition may have no owner yet (Hazelcast assigns partitions on first use
   * and moves them in migrations), or one that has just left: this waits up to {@link #OWNER_WAIT}
   * for a running owner, reading the partition afresh on each poll. Called on every decision of
   * {@link #createStore}'s store, so an owner that is there costs no wait at all. That is why it
   * polls by hand rather than through Awaitility: every {@code await().until} first sleeps its poll
   * delay, by default its poll interval of 100 ms even when the condition holds already, and
   * uninterruptibly; on every decision, that made each call take 100 ms and the kit's concurrency
   * tests (thousands of calls on 8 threads) outlast their 60 s, which looked like a hang.
   */
  HazelcastInstance owner(String key) {
    long deadline = System.nanoTime() + OWNER_WAIT.toNanos();
    while (true) {
      List<HazelcastInstance> running = members();
      Member owner =
          running.isEmpty()
              ? null
              : running.get(0).getPartitionService().getPartition(key).getOwner();
      if (owner != null) {
        for (HazelcastInstance member : running) {
          if (member.getCluster().getLocalMember().getUuid().equals(owner.getUuid())) {
            return member;
          }
        }
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "no running member owned "
                + key
                + " within "
                + OWNER_WAIT.toSeconds()
                + " s (last owner "
                + owner
                + ", running "
                + running.size()
                + ")");
      }
      sleep(10);
    }
  }

  /** A member that does not own {@code key}'s partition. */
  HazelcastInstance nonOwner(String key) {
    HazelcastInstance owner = owner(key);
    for (HazelcastInstance member : members()) {
      if (member != owner) {
        return member;
      }
    }
    throw new IllegalStateException("the cluster has one member; every key is its own");
  }

  /** A key whose partition {@code member} owns. */
  String keyOwnedBy(HazelcastInstance member, String prefix) {
    for (int i = 0; ; i++) {
      String key = prefix + i;
      if (owner(key) == member) {
        return key;
      }
    }
  }

  /** Installs {@code clock} as the decision clock of every member. */
  void install(Clock clock) {
    for (HazelcastInstance member : members()) {
      member.getUserContext().put(HazelcastStore.CLOCK_KEY, clock);
    }
  }

  /** A fresh map name, so that tests sharing a cluster do not share counters. */
  static String newMapName() {
    return "test-" + MAPS.incrementAndGet();
  }

  /**
   * A builder for a store on {@code instance} as tests want it: failures surface as exceptions
   * (FAIL_CLOSED), a generous time budget, and entries kept for an hour of real time, since the
   * members' TTL runs on real time while decisions run on a manual clock.
   */
  static HazelcastStore.Builder storeBuilder(HazelcastInstance instance, String mapName) {
    return HazelcastStore.builder()
        .instance(instance)
        .mapName(mapName)
        .failureMode(FailureMode.FAIL_CLOSED)
        .timeout(Duration.ofSeconds(10))
        .expiryMargin(Duration.ofHours(1));
  }

  /**
   * Returns a store that decides on {@code clock} and sends every call from a member that does not
   * own the key; the factory for a store compatibility kit.
   *
   * @param clock the clock installed on every member
   * @return a store on a fresh map
   */
  RateLimitStore createStore(ManualClock clock) {
    install(clock);
    String mapName = newMapName();
    List<HazelcastStore> stores = new ArrayList<>();
    for (HazelcastInstance member : members()) {
      stores.add(storeBuilder(member, mapName).build());
    }
    return new NonOwnerStore(stores);
  }

  /** Sends each call through a store on a member that does not own the key. */
  private final class NonOwnerStore implements RateLimitStore {
    private final List<HazelcastStore> stores;

    NonOwnerStore(List<HazelcastStore> stores) {
      this.stores = stores;
    }

    @Override
    public void apply(String key, Step step, StepResult result) {
      HazelcastInstance caller = nonOwner(key);
      for (HazelcastStore store : stores) {
        if (store.instance() == caller) {
          store.apply(key, step, result);
          return;
        }
      }
      throw new IllegalStateException("no store on member " + caller.getName());
    }
  }

  /** Waits until every partition has its backups, so that losing a member loses nothing. */
  void awaitSafe() {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    for (HazelcastInstance member : members()) {
      while (!member.getPartitionService().isClusterSafe()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "cluster " + clusterName + " did not become safe in 30 s");
        }
        sleep(20);
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    for (HazelcastInstance client : clients) {
      client.shutdown();
    }
    for (HazelcastInstance member : members) {
      member.getLifecycleService().terminate();
    }
  }
}
