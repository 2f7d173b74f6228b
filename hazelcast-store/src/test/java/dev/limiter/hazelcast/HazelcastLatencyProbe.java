/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.limiter.Algorithm;
import dev.limiter.spi.FailureMode;
import dev.limiter.spi.Step;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Measures the per-decision latency of {@link HazelcastStore} against a bare {@code executeOnKey}
 * round trip that does nothing, on a two-member loopback cluster, calling from the member that does
 * not own the key (and from a client). Not a unit test: its name keeps Surefire from running it by
 * default, and it asserts nothing. Run it with
 *
 * <pre>
 * mvn -B -q -pl limiter-api,hazelcast-store -am verify -Dtest=HazelcastLatencyProbe -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>On a machine with 2 CPUs or fewer, compare with the common pool at parallelism 2 (see {@link
 * HazelcastStore}, "Latency") by appending {@code
 * -Djava.util.concurrent.ForkJoinPool.common.parallelism=2} to the property {@code
 * hazelcast.jvm.flags} that the module's pom passes to the test JVM, for example {@code
 * "-Dhazelcast.jvm.flags=--add-modules java.se ...
 * -Djava.util.concurrent.ForkJoinPool.common.parallelism=2"}.
 *
 * <p>The benchmarks module (JMH) is where comparisons with peers belong; this is the quick check
 * that the store adds little to the round trip it cannot avoid.
 */
class HazelcastLatencyProbe {

  private static final int WARM_UP = 10_000;
  private static final int CALLS = 20_000;
  private static final int NO_OP_FACTORY = 0x4E4F4F50; // "NOOP"

  /**
   * An entry processor that reads nothing, writes nothing and has no backup: the bare round trip.
   */
  static final class NoOp
      implements EntryProcessor<String, long[], @Nullable Object>, IdentifiedDataSerializable {
    @Override
    public @Nullable Object process(Map.Entry<String, long[]> entry) {
      return null;
    }

    @Override
    public @Nullable EntryProcessor<String, long[], @Nullable Object> getBackupProcessor() {
      return null;
    }

    @Override
    public int getFactoryId() {
      return NO_OP_FACTORY;
    }

    @Override
    public int getClassId() {
      return 1;
    }

    @Override
    public void writeData(ObjectDataOutput out) {}

    @Override
    public void readData(ObjectDataInput in) {}
  }

  @Test
  void measure() {
    try (HazelcastTestCluster cluster = HazelcastTestCluster.start(0)) {
      for (int i = 0; i < 2; i++) {
        cluster.addMember(
            config ->
                config
                    .getSerializationConfig()
                    .addDataSerializableFactory(NO_OP_FACTORY, id -> new NoOp()));
      }
      cluster.awaitSafe();
      HazelcastInstance owner = cluster.member(1);
      HazelcastInstance caller = cluster.member(0);
      String key = cluster.keyOwnedBy(owner, "latency-");
      HazelcastInstance client = cluster.newClient(cluster.clientConfig());

      for (int round = 0; round < 2; round++) {
        if (round == 1) { // the first round only warms up the JVM
          System.out.printf(
              Locale.ROOT,
              "%n2 members on loopback, %d calls after %d warm-up, key owned by the other member;"
                  + " ForkJoinPool common parallelism %d%n",
              CALLS,
              WARM_UP,
              java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());
          System.out.printf(Locale.ROOT, "%-46s %9s %9s %9s%n", "", "mean us", "p50 us", "p99 us");
          printing = true;
        }
        for (HazelcastInstance from : new HazelcastInstance[] {caller, client}) {
          String who = from == caller ? "member" : "client";
          IMap<String, long[]> bare = from.getMap("test-bare");
          NoOp noOp = new NoOp();
          report(
              who + ": executeOnKey no-op",
              () -> {
                bare.executeOnKey(key, noOp);
                return 0;
              });
          report(
              who + ": submitToKey no-op, get(budget)",
              () -> {
                try {
                  bare.submitToKey(key, noOp)
                      .toCompletableFuture()
                      .get(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                return 0;
              });
          IMap<String, long[]> raw = from.getMap("test-raw-" + who + round);
          Step rawStep =
              Step.acquire(Algorithm.FIXED_WINDOW, 3_600_000_000_000L, Step.MAX_LIMIT, 1);
          report(
              who + ": executeOnKey StepProcessor (no budget)",
              () -> raw.executeOnKey(key, new StepProcessor(rawStep, 3602))[2]);
          HazelcastStore store =
              HazelcastStore.builder()
                  .instance(from)
                  .mapName("test-store-" + who + round)
                  .failureMode(FailureMode.FAIL_CLOSED)
                  .timeout(Duration.ofSeconds(5))
                  .build();
          Step admitted =
              Step.acquire(Algorithm.FIXED_WINDOW, 3_600_000_000_000L, Step.MAX_LIMIT, 1);
          report(
              who + ": HazelcastStore, admitted (write+backup)",
              () -> store.apply(key, admitted).remaining());
          Step rejected = Step.acquire(Algorithm.FIXED_WINDOW, 3_600_000_000_000L, 1, 1);
          String full = cluster.keyOwnedBy(owner, "latency-full-");
          store.apply(full, rejected);
          report(
              who + ": HazelcastStore, rejected (no write)",
              () -> store.apply(full, rejected).remaining());
        }
      }
    }
  }

  private static boolean printing;

  private static void report(String what, LongSupplier call) {
    for (int i = 0; i < WARM_UP; i++) {
      call.getAsLong();
    }
    long[] nanos = new long[CALLS];
    for (int i = 0; i < CALLS; i++) {
      long start = System.nanoTime();
      call.getAsLong();
      nanos[i] = System.nanoTime() - start;
    }
    if (!printing) {
      return;
    }
    Arrays.sort(nanos);
    double mean = Arrays.stream(nanos).average().orElse(0) / 1000.0;
    System.out.printf(
        Locale.ROOT,
        "%-46s %9.1f %9.1f %9.1f%n",
        what,
        mean,
        nanos[CALLS / 2] / 1000.0,
        nanos[(int) (CALLS * 0.99)] / 1000.0);
  }
}
