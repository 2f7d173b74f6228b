/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.limiter.Algorithm;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.spi.Step;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.caffeine.CaffeineProxyManager;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Retained heap per idle key: used heap after full collections with 1,000,000 keys held, minus used
 * heap with the same store empty, divided by 1,000,000. The keys are created for the store and
 * referenced only by it, so their String objects count; each key took one decision and is then
 * idle. One JVM per subject, so that nothing else is on the heap.
 *
 * <p>Run, after {@code mvn -B -q package -DskipTests} at the repository root, one subject per JVM:
 *
 * <pre>
 * java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -XX:+UseG1GC -cp benchmarks/target/benchmarks.jar \
 *     dev.limiter.benchmarks.MemoryPerKey caffeine-sliding
 * </pre>
 *
 * <p>Subjects: {@code caffeine-sliding}, {@code caffeine-fixed}, {@code caffeine-token} (our
 * store), {@code compute-sliding} (the store before its fast path, with an entry object around the
 * state), {@code bucket4j-caffeine} (Bucket4j's Caffeine proxy manager), {@code raw-caffeine} (a
 * bare Caffeine cache of {@code long[1]} with the same bound and a fixed expiry, the floor), and
 * the worst keys a client can send, through the engine (policy {@code bench}): {@code
 * engine-sliding-64} and {@code engine-sliding-32-utf16} (the longest keys kept as sent: 64 bytes,
 * in Latin-1 or in characters of two bytes) and {@code engine-sliding-250} (250 characters, kept as
 * their 44-character digest). {@code caffeine-sliding-holding-N} (N = 63, 255, 4095, 65535, 65536):
 * the sliding window with each key holding N units instead of one, at the top of each width of its
 * counters. Prints one line: {@code subject bytes-per-key}.
 */
public final class MemoryPerKey {

  static final int KEYS = 1_000_000;

  private MemoryPerKey() {}

  /**
   * Measures one subject.
   *
   * @param args the subject, and optionally the number of keys
   */
  public static void main(String[] args) {
    String subject = args.length > 0 ? args[0] : "caffeine-sliding";
    int keys = args.length > 1 ? Integer.parseInt(args[1]) : KEYS;
    Consumer<String> store = create(subject);
    store.accept("warm-up"); // load the classes before the empty measurement
    long empty = usedAfterGc();
    for (int i = 0; i < keys; i++) {
      store.accept(key(subject, i));
    }
    long full = usedAfterGc();
    System.out.printf(Locale.ROOT, "%s %.1f%n", subject, (full - empty) / (double) keys);
    Reference.keep(store);
  }

  /**
   * The key a subject is measured with: 14 characters, or for the worst cases through the engine 64
   * characters, or 32 outside Latin-1 (two bytes each), the longest kept as sent, or 250 characters
   * (kept as their digest).
   */
  static String key(String subject, int i) {
    return switch (subject) {
      case "engine-sliding-64" -> padded(i, 64, 'k');
      case "engine-sliding-32-utf16" -> padded(i, 32, '\u4e00');
      case "engine-sliding-250" -> padded(i, 250, 'k');
      default -> KeySets.key(i); // 14 characters
    };
  }

  private static String padded(int i, int length, char fill) {
    String digits = Integer.toString(i);
    return String.valueOf(fill).repeat(length - digits.length()) + digits;
  }

  static Consumer<String> create(String subject) {
    return switch (subject) {
      case "engine-sliding-64", "engine-sliding-32-utf16", "engine-sliding-250" -> {
        Limiters.Decider engine = Limiters.engine(null);
        dev.limiter.spi.StepResult holder = new dev.limiter.spi.StepResult();
        yield key -> engine.decide(key, holder);
      }
      case "caffeine-sliding" -> store(Algorithm.SLIDING_WINDOW);
      case "caffeine-sliding-holding-63",
          "caffeine-sliding-holding-255",
          "caffeine-sliding-holding-4095",
          "caffeine-sliding-holding-65535",
          "caffeine-sliding-holding-65536" -> {
        long units = Long.parseLong(subject.substring(subject.lastIndexOf('-') + 1));
        CaffeineStore store = CaffeineStore.builder().maximumSize(Limiters.MAXIMUM_SIZE).build();
        Step step =
            Step.acquire(
                Algorithm.SLIDING_WINDOW, Limiters.WINDOW.toNanos(), Limiters.LIMIT, units);
        yield key -> store.apply(key, step);
      }
      case "caffeine-fixed" -> store(Algorithm.FIXED_WINDOW);
      case "caffeine-token" -> store(Algorithm.TOKEN_BUCKET);
      case "compute-sliding" -> {
        ComputeStore store = new ComputeStore(Limiters.MAXIMUM_SIZE);
        Step step =
            Step.acquire(Algorithm.SLIDING_WINDOW, Limiters.WINDOW.toNanos(), Limiters.LIMIT, 1);
        yield key -> store.apply(key, step);
      }
      case "bucket4j-caffeine" -> {
        CaffeineProxyManager<String> proxyManager = Limiters.bucket4jProxyManager();
        BucketConfiguration configuration = Limiters.bucket4jConfiguration();
        yield key -> proxyManager.builder().build(key, () -> configuration).tryConsume(1);
      }
      case "raw-caffeine" -> {
        Cache<String, long[]> cache =
            Caffeine.newBuilder()
                .maximumSize(Limiters.MAXIMUM_SIZE)
                .expireAfterWrite(Limiters.KEEP_IDLE)
                .build();
        yield key -> cache.put(key, new long[1]);
      }
      default -> throw new IllegalArgumentException("unknown subject " + subject);
    };
  }

  static Consumer<String> store(Algorithm algorithm) {
    CaffeineStore store = CaffeineStore.builder().maximumSize(Limiters.MAXIMUM_SIZE).build();
    Step step = Step.acquire(algorithm, Limiters.WINDOW.toNanos(), Limiters.LIMIT, 1);
    return key -> store.apply(key, step);
  }

  static long usedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** Keeps an object reachable until this point. */
  static final class Reference {
    static volatile Object sink;

    static void keep(Object o) {
      sink = o;
    }
  }
}
