/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.benchmarks;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.limiter.Algorithm;
import dev.limiter.failover.FailureMode;
import dev.limiter.hazelcast.HazelcastStore;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.grid.hazelcast.Bucket4jHazelcast;
import io.github.bucket4j.grid.hazelcast.HazelcastProxyManager;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cluster decisions: our Hazelcast store against Bucket4j's Hazelcast entry-processor proxy manager
 * and two floors, on one two-member cluster on loopback in the benchmark's JVM, every call sent
 * from the member that does not own the key. One thread; latency sampled per call (mean, p50, p99).
 *
 * <p>Subjects: {@code hazelcast-sliding} and {@code hazelcast-token} ({@link HazelcastStore},
 * sliding window and token bucket: {@code submitToKey} waited for within the store's time budget);
 * {@code bucket4j-hazelcast} (Bucket4j's {@code HazelcastProxyManager}, {@code executeOnKey}, its
 * custom serializers registered, as its documentation advises); {@code bucket4j-hazelcast-java}
 * (the same without them: Java serialization, Bucket4j's default); {@code floor-noop} (a bare
 * {@code executeOnKey} of a processor that does nothing and has no backup); {@code floor-write} (a
 * processor that writes one {@code long[1]} with a TTL and copies it to the one synchronous backup,
 * as the store does, through {@code executeOnKey}); {@code floor-write-async} (the same through
 * {@code submitToKey} and a bounded {@code get}, the call the store makes). Every map has one
 * synchronous backup. The forked JVM gets {@code
 * -Djava.util.concurrent.ForkJoinPool.common.parallelism=2}, as {@link HazelcastStore} advises for
 * machines with 2 CPUs.
 *
 * <p>Run, after {@code mvn -B -q package -DskipTests} at the repository root:
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ClusterDecisionBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Xms1g",
      "-Xmx1g",
      "-XX:+AlwaysPreTouch",
      "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2",
      "-Dhazelcast.phone.home.enabled=false",
      "-Dhazelcast.logging.type=none"
    }) // and Hazelcast's JVM flags, which Main puts before these
public class ClusterDecisionBenchmark {

  /** Bucket4j's serializers take type ids from here up. */
  static final int BUCKET4J_TYPE_ID_BASE = 10_000;

  /** The cluster, the subject and the key, owned by the member that does not call. */
  @State(Scope.Benchmark)
  public static class Cluster {
    @Param({
      "hazelcast-sliding",
      "hazelcast-token",
      "bucket4j-hazelcast",
      "bucket4j-hazelcast-java",
      "floor-noop",
      "floor-write",
      "floor-write-async"
    })
    public String subject;

    HazelcastInstance caller;
    HazelcastInstance owner;
    String key;
    Supplier<Object> call;
    RateLimitStore store;

    @Setup(Level.Trial)
    public void setUp() {
      String clusterName = "limiter-bench-" + UUID.randomUUID();
      boolean bucket4jSerializers = !subject.equals("bucket4j-hazelcast-java");
      caller = Hazelcast.newHazelcastInstance(memberConfig(clusterName, 5901, bucket4jSerializers));
      owner = Hazelcast.newHazelcastInstance(memberConfig(clusterName, 5901, bucket4jSerializers));
      for (int i = 0; ; i++) {
        String candidate = "client-" + i;
        if (caller
            .getPartitionService()
            .getPartition(candidate)
            .getOwner()
            .getUuid()
            .equals(owner.getCluster().getLocalMember().getUuid())) {
          key = candidate;
          break;
        }
      }
      call = subject(subject);
      for (int i = 0; i < 100; i++) {
        Object unused = call.get(); // connections and class loading, before JMH's warm-up
      }
    }

    Supplier<Object> subject(String name) {
      String k = key;
      return switch (name) {
        case "hazelcast-sliding", "hazelcast-token" -> {
          Algorithm algorithm =
              name.equals("hazelcast-sliding") ? Algorithm.SLIDING_WINDOW : Algorithm.TOKEN_BUCKET;
          store =
              HazelcastStore.builder()
                  .instance(caller)
                  .failureMode(FailureMode.FAIL_CLOSED) // a failure must fail the run, not be fast
                  .timeout(Duration.ofSeconds(1))
                  .build();
          Step step = Step.acquire(algorithm, Limiters.WINDOW.toNanos(), Limiters.LIMIT, 1);
          yield () -> store.apply(k, step);
        }
        case "bucket4j-hazelcast", "bucket4j-hazelcast-java" -> {
          IMap<String, byte[]> map = caller.getMap("bucket4j");
          HazelcastProxyManager<String> proxyManager =
              Bucket4jHazelcast.entryProcessorBasedBuilder(map)
                  .expirationAfterWrite(
                      ExpirationAfterWriteStrategy.fixedTimeToLive(Limiters.KEEP_IDLE))
                  .build();
          BucketConfiguration configuration = Limiters.bucket4jConfiguration();
          Supplier<BucketConfiguration> supplier = () -> configuration;
          yield () -> proxyManager.builder().build(k, supplier).tryConsumeAndReturnRemaining(1);
        }
        case "floor-noop" -> {
          IMap<String, long[]> map = caller.getMap("floor-noop");
          FloorProcessors.NoOp noOp = new FloorProcessors.NoOp();
          yield () -> map.executeOnKey(k, noOp);
        }
        case "floor-write" -> {
          IMap<String, long[]> map = caller.getMap("floor-write");
          yield () ->
              map.executeOnKey(k, new FloorProcessors.WriteLong(FloorProcessors.TTL_SECONDS));
        }
        case "floor-write-async" -> {
          IMap<String, long[]> map = caller.getMap("floor-write-async");
          yield () -> {
            try {
              return map.submitToKey(k, new FloorProcessors.WriteLong(FloorProcessors.TTL_SECONDS))
                  .toCompletableFuture()
                  .get(1, TimeUnit.SECONDS);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          };
        }
        default -> throw new IllegalArgumentException("unknown subject " + name);
      };
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      if (store != null) {
        store.close();
      }
      owner.shutdown();
      caller.shutdown();
    }
  }

  static Config memberConfig(String clusterName, int port, boolean bucket4jSerializers) {
    Config config = new Config();
    config.setClusterName(clusterName);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.logging.type", "none");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(true).setPortCount(20);
    network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + port);
    config.addMapConfig(new MapConfig("bucket4j").setBackupCount(1));
    config.addMapConfig(new MapConfig("floor-*").setBackupCount(1));
    if (bucket4jSerializers) {
      HazelcastProxyManager.addCustomSerializers(
          config.getSerializationConfig(), BUCKET4J_TYPE_ID_BASE);
    }
    config
        .getSerializationConfig()
        .addDataSerializableFactory(FloorProcessors.FACTORY_ID, new FloorProcessors.Factory());
    return HazelcastStore.configure(config); // map "ratelimit", one synchronous backup
  }

  @Benchmark
  public Object decide(Cluster cluster) {
    return cluster.call.get();
  }
}
