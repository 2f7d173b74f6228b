/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.Algorithm;
import dev.limiter.ManualClock;
import dev.limiter.failover.FailoverStore;
import dev.limiter.failover.FailureMode;
import dev.limiter.spi.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongPredicate;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A primary store that fails on a pattern, never long enough in a row to be left alone, or in
 * bursts longer than the breaker's threshold: the local fallback keeps its counts through every
 * success, so a key is admitted at most {@code max} by the primary plus {@code max} by this node's
 * fallback.
 */
class FlappingPrimaryTest {

  private static final long MINUTE = 60_000_000_000L;
  private static final int MAX = 5;

  private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T10:00:00Z"));
  private final Logger julLogger = Logger.getLogger(FailoverStore.class.getName());

  @BeforeEach
  void quiet() {
    julLogger.setUseParentHandlers(false); // the expected warnings need not reach the console
  }

  @AfterEach
  void loud() {
    julLogger.setUseParentHandlers(true);
  }

  private static LongPredicate pattern(String name) {
    return switch (name) {
      case "every-2nd" -> FlappingStore.everyNth(2);
      case "every-3rd" -> FlappingStore.everyNth(3);
      case "every-10th" -> FlappingStore.everyNth(10);
      case "bursts-of-8-in-20" -> FlappingStore.bursts(8, 20);
      default -> throw new IllegalArgumentException(name);
    };
  }

  /** 100 requests in 10 s on one key limited to 5 a minute, as the issue measured them. */
  @ParameterizedTest
  @ValueSource(strings = {"every-2nd", "every-3rd", "every-10th", "bursts-of-8-in-20"})
  void aFlappingPrimaryAdmitsAtMostMaxPlusTheLocalFallbacksMax(String name) {
    for (Algorithm algorithm : Algorithm.values()) {
      FlappingStore primary =
          new FlappingStore(new ConcurrentMapStoreTest.ConcurrentMapStore(clock), pattern(name));
      FailoverStore store =
          FailoverStore.builder(primary).mode(FailureMode.LOCAL_FALLBACK).clock(clock).build();
      Step step = Step.acquire(algorithm, MINUTE, MAX, 1);
      int admitted = 0;
      for (int i = 0; i < 100; i++) {
        if (store.apply("k", step).allowed()) {
          admitted++;
        }
        clock.advance(Duration.ofMillis(100));
      }
      assertThat(primary.failed()).as(algorithm + ": the pattern injected failures").isPositive();
      // a token bucket refills one unit every 12 s: none within these 10 s
      assertThat(admitted).as(algorithm + " under " + name).isLessThanOrEqualTo(2 * MAX);
      clock.advance(Duration.ofMinutes(5));
    }
  }
}
