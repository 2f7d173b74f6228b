/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.caffeine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.Algorithm;
import dev.limiter.Decision;
import dev.limiter.EndpointLimits;
import dev.limiter.ManualClock;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import dev.limiter.failover.FailoverStore;
import dev.limiter.failover.FailureMode;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.StoreException;
import dev.limiter.test.FlappingStore;
import dev.limiter.testing.CampaignReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongPredicate;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The flapping-store campaign (RELIABILITY.md): a real Caffeine store behind fault patterns, under
 * {@link FailoverStore} in each failure mode, through the engine, with an endpoint of two limits
 * ({@code account} 5 a minute and {@code burst} 2 a second, so that rejections give units back)
 * beside one of {@code account} alone, on four keys, for five minutes of requests every 100 ms.
 *
 * <p>Counted per key in every window of {@code account}: at most {@code max} with {@code closed},
 * {@code 2 max} with {@code local} (the store's count plus this node's fallback), {@code max} plus
 * the requests that {@code open} decided in the window (each is served: the mode has no bound while
 * the store is away); a token bucket's bound is twice that (a burst and a window's refill). No
 * request fails in {@code open} or {@code local}. {@code -Dreliability.scale=10} (the {@code
 * reliability} profile) runs ten times as many requests.
 */
class FlappingStoreCampaignTest {

  private static final int MAX = 5;
  private static final Duration WINDOW = Duration.ofMinutes(1);
  private static final int SCALE = Integer.getInteger("reliability.scale", 1);
  private static final Logger FAILOVER_LOG = Logger.getLogger(FailoverStore.class.getName());

  @BeforeAll
  static void quiet() {
    FAILOVER_LOG.setUseParentHandlers(false); // thousands of expected warnings
  }

  @AfterAll
  static void loud() {
    FAILOVER_LOG.setUseParentHandlers(true);
  }

  static Stream<Arguments> runs() {
    List<Arguments> runs = new ArrayList<>();
    String[] patterns = {
      "every-2nd", "every-3rd", "every-10th", "bursts-8-in-20", "bursts-60-in-100", "late-every-3rd"
    };
    for (FailureMode mode : FailureMode.values()) {
      for (String pattern : patterns) {
        for (Algorithm algorithm : Algorithm.values()) {
          runs.add(Arguments.of(mode, pattern, algorithm));
        }
      }
    }
    return runs.stream();
  }

  private static LongPredicate pattern(String name) {
    return switch (name) {
      case "every-2nd" -> FlappingStore.everyNth(2);
      case "every-3rd", "late-every-3rd" -> FlappingStore.everyNth(3);
      case "every-10th" -> FlappingStore.everyNth(10);
      case "bursts-8-in-20" -> FlappingStore.bursts(8, 20);
      case "bursts-60-in-100" ->
          FlappingStore.bursts(60, 100); // longer than the breaker's threshold
      default -> throw new IllegalArgumentException(name);
    };
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("runs")
  void aFlappingStoreKeepsEachKeyWithinTheBoundOfItsMode(
      FailureMode mode, String pattern, Algorithm algorithm) {
    ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T10:00:00Z"));
    FlappingStore flapping =
        new FlappingStore(
            CaffeineStore.builder().clock(clock).build(),
            pattern(pattern),
            pattern.startsWith("late"));
    FailoverStore failover =
        FailoverStore.builder(flapping).mode(mode).clock(clock).name("flapping").build();
    Map<String, List<Long>> servedOpen = new HashMap<>();
    RateLimitStore store =
        (key, step, result) -> {
          failover.apply(key, step, result);
          if (!step.release()
              && result.allowed()
              && result.generation() == 0
              && key.startsWith("account:")) {
            // decided on a fresh state by FAIL_OPEN: a stored state never has generation 0
            servedOpen
                .computeIfAbsent(key.substring("account:".length()), k -> new ArrayList<>())
                .add(clock.epochNanos());
          }
        };
    RateLimiter limiter =
        RateLimiter.builder()
            .store(store)
            .config(
                RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build())
            .build();
    RateLimitPolicy account = new RateLimitPolicy("account", WINDOW, MAX, "apiKey", 1, algorithm);
    RateLimitPolicy burst =
        new RateLimitPolicy("burst", Duration.ofSeconds(1), 2, "apiKey", 1, algorithm);
    EndpointLimits both = limiter.limits(List.of(account, burst));
    EndpointLimits alone = limiter.limits(List.of(account));

    Random random = new Random(pattern.hashCode() * 31L + seed(mode) * 7L + algorithm.code());
    String[] keys = {"k1", "k2", "k3", "k4"};
    Map<String, List<Long>> admitted = new HashMap<>();
    int requests = 3_000 * SCALE;
    int refused = 0;
    for (int i = 0; i < requests; i++) {
      String key = keys[random.nextInt(keys.length)];
      long now = clock.epochNanos();
      try {
        Decision decision =
            random.nextBoolean() ? limiter.acquire(both, key, key) : limiter.acquire(alone, key);
        if (decision.allowed()) {
          admitted.computeIfAbsent(key, k -> new ArrayList<>()).add(now);
        }
      } catch (StoreException e) {
        assertThat(mode)
            .as("only closed refuses: %s", e.getMessage())
            .isEqualTo(FailureMode.FAIL_CLOSED);
        refused++;
      }
      clock.advance(Duration.ofMillis(100));
    }

    long window = WINDOW.toNanos();
    int single = algorithm == Algorithm.TOKEN_BUCKET ? 2 * MAX : MAX;
    int most = 0;
    int over = 0;
    for (String key : keys) {
      List<Long> times = admitted.getOrDefault(key, List.of());
      List<Long> open = servedOpen.getOrDefault(key, List.of());
      for (long end : times) {
        long start =
            algorithm == Algorithm.FIXED_WINDOW
                ? Math.floorDiv(end, window) * window
                : end - window + 1;
        long stop = algorithm == Algorithm.FIXED_WINDOW ? start + window - 1 : end;
        int count = count(times, start, stop);
        int bound =
            switch (mode) {
              case FAIL_CLOSED -> single;
              case LOCAL_FALLBACK -> 2 * single;
              case FAIL_OPEN -> single + count(open, start, stop);
            };
        most = Math.max(most, count);
        if (count > bound) {
          over++;
        }
      }
    }
    CampaignReport.of("flapping")
        .with("mode", mode.configName())
        .with("pattern", pattern)
        .with("algorithm", algorithm)
        .with("requests", requests)
        .with("failed_calls", flapping.failed())
        .with("decided_by_mode", failover.fallbacks())
        .with("most_in_a_window", most)
        .with("over_bound", over)
        .with("refused_503", refused)
        .write();
    assertThat(flapping.failed()).as("faults were injected").isPositive();
    assertThat(over)
        .as("admissions beyond the bound of %s, most in one window %d", mode, most)
        .isZero();
    if (mode != FailureMode.FAIL_CLOSED) {
      assertThat(refused).isZero();
    }
  }

  /** Admissions at times within [start, stop]. */
  private static int count(List<Long> times, long start, long stop) {
    int count = 0;
    for (long t : times) {
      if (t >= start && t <= stop) {
        count++;
      }
    }
    return count;
  }

  /** A number per mode for the seeds, the same as in the runs RELIABILITY.md reports. */
  private static int seed(FailureMode mode) {
    return switch (mode) {
      case FAIL_OPEN -> 0;
      case FAIL_CLOSED -> 1;
      case LOCAL_FALLBACK -> 2;
    };
  }
}
