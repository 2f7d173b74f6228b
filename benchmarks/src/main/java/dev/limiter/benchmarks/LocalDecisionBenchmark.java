/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.benchmarks;

import dev.limiter.spi.StepResult;
import io.github.bucket4j.Bucket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Local decisions: our Caffeine store (each algorithm, and once through the {@code RateLimiter}
 * engine; {@code compute-sliding} is the store as it was before its fast path) against Bucket4j's
 * Caffeine proxy manager (one bucket per key) and its unkeyed local bucket, on one hot key,
 * 1,000,000 keys drawn uniformly, and 1,000,000 keys drawn by Zipf (0.99), on 1 and 2 threads.
 * Every key is in the store before measuring; keys are drawn from a pre-generated array. Throughput
 * in decisions per microsecond, all threads together.
 *
 * <p>Run, after {@code mvn -B -q package -DskipTests} at the repository root:
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar LocalDecisionBenchmark -prof gc
 * </pre>
 *
 * <p>{@code -prof gc} adds {@code gc.alloc.rate.norm}, the bytes allocated per decision. {@code -p
 * limiter=caffeine-sliding,bucket4j-caffeine -p keys=uniform} narrows the run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class LocalDecisionBenchmark {

  /** The keyed limiter under test and its key set, shared by the benchmark's threads. */
  @State(Scope.Benchmark)
  public static class Keyed {
    @Param({
      "caffeine-sliding",
      "caffeine-fixed",
      "caffeine-token",
      "engine-sliding",
      "engine-listener",
      "compute-sliding",
      "bucket4j-caffeine"
    })
    public String limiter;

    @Param({"hot", "uniform", "zipf"})
    public String keys;

    Limiters.Decider decider;
    String[] draws;

    @Setup(Level.Trial)
    public void setUp() {
      String[] distinct = KeySets.distinctKeys(keys.equals("hot") ? 1 : KeySets.KEYS);
      draws = KeySets.draws(keys, distinct, 42);
      decider = Limiters.create(limiter);
      StepResult holder = new StepResult();
      for (String key : distinct) {
        decider.decide(key, holder); // every key exists before measuring: 1,000,000 keys held
      }
    }

    /**
     * Leaves the million keys to the fork's exit: JMH's gc profiler counts what a trial's tear-down
     * allocates into the last iteration, and emptying a cache of a million keys allocates tens of
     * bytes per key, which read as tens of bytes per decision there. The local deciders hold
     * nothing but heap.
     */
    @TearDown(Level.Trial)
    public void tearDown() {
      decider = null;
    }
  }

  /** Where a thread is in the draw sequence; threads start at different places. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    /** The thread's result holder, which a caller of the store SPI reuses across decisions. */
    final StepResult holder = new StepResult();

    @Setup(Level.Trial)
    public void setUp() {
      next = ThreadLocalRandom.current().nextInt(KeySets.DRAWS);
    }

    String key(String[] draws) {
      return draws[next++ & (KeySets.DRAWS - 1)];
    }
  }

  /** One unkeyed Bucket4j bucket, the floor of what a decision can cost. */
  @State(Scope.Benchmark)
  public static class Unkeyed {
    Bucket bucket;

    @Setup(Level.Trial)
    public void setUp() {
      bucket =
          Bucket.builder().addLimit(Limiters.bucket4jConfiguration().getBandwidths()[0]).build();
    }
  }

  @Benchmark
  @Threads(1)
  public Object keyed1Thread(Keyed keyed, Cursor cursor) {
    return keyed.decider.decide(cursor.key(keyed.draws), cursor.holder);
  }

  @Benchmark
  @Threads(2)
  public Object keyed2Threads(Keyed keyed, Cursor cursor) {
    return keyed.decider.decide(cursor.key(keyed.draws), cursor.holder);
  }

  @Benchmark
  @Threads(1)
  public Object bucket4jLocal1Thread(Unkeyed unkeyed) {
    return unkeyed.bucket.tryConsumeAndReturnRemaining(1);
  }

  @Benchmark
  @Threads(2)
  public Object bucket4jLocal2Threads(Unkeyed unkeyed) {
    return unkeyed.bucket.tryConsumeAndReturnRemaining(1);
  }

  @Benchmark
  @Threads(1)
  public boolean bucket4jLocalTryConsume1Thread(Unkeyed unkeyed) {
    return unkeyed.bucket.tryConsume(1);
  }
}
