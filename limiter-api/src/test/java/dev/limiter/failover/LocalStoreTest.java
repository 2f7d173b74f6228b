/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.Algorithm;
import dev.limiter.ManualClock;
import dev.limiter.spi.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LocalStoreTest {

  private static final long SECOND = 1_000_000_000L;
  private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T10:00:00Z"));

  @Test
  void countsExactlyUnderConcurrency() throws Exception {
    LocalStore store = new LocalStore(1000, clock);
    Step step = Step.acquire(Algorithm.SLIDING_WINDOW, 60 * SECOND, 500, 1);
    AtomicInteger admitted = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Void>> tasks = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        tasks.add(
            () -> {
              for (int i = 0; i < 400; i++) {
                if (store.apply("hot", step).allowed()) {
                  admitted.incrementAndGet();
                }
              }
              return null;
            });
      }
      for (Future<Void> future : executor.invokeAll(tasks)) {
        future.get();
      }
    } finally {
      executor.shutdownNow();
    }
    assertThat(admitted).hasValue(500);
  }

  @Test
  void anIdleKeyExpiresAndStartsAfresh() {
    LocalStore store = new LocalStore(10, clock);
    Step step = Step.acquire(Algorithm.TOKEN_BUCKET, 10 * SECOND, 1, 1);
    assertThat(store.apply("k", step).allowed()).isTrue();
    assertThat(store.apply("k", step).allowed()).isFalse();
    clock.advance(Duration.ofSeconds(10));
    assertThat(store.apply("k", step).allowed()).isTrue();
  }

  @Test
  void staysNearItsBoundDroppingExpiredKeysFirst() {
    LocalStore store = new LocalStore(100, clock);
    Step shortWindow = Step.acquire(Algorithm.FIXED_WINDOW, SECOND, 5, 1);
    Step longWindow = Step.acquire(Algorithm.FIXED_WINDOW, 3600 * SECOND, 5, 1);
    for (int i = 0; i < 50; i++) {
      store.apply("short" + i, shortWindow);
    }
    for (int i = 0; i < 50; i++) {
      store.apply("long" + i, longWindow);
    }
    clock.advance(Duration.ofSeconds(2));
    store.apply("new", longWindow);
    assertThat(store.size()).isEqualTo(51);
    for (int i = 0; i < 1000; i++) {
      store.apply("more" + i, longWindow);
    }
    assertThat(store.size()).isLessThanOrEqualTo(100);
  }

  /**
   * A fallback full of keys drops some of them to make room; a busy key among them, dropped while
   * it held its units, starts again from them rather than from a fresh quota.
   */
  @Test
  void aFloodOfNewKeysNeverResetsABusyKey() {
    LocalStore store = new LocalStore(100, clock);
    Step step = Step.acquire(Algorithm.SLIDING_WINDOW, 600 * SECOND, 50, 1);
    int admitted = 0;
    int flood = 0;
    for (int tick = 0; tick < 30_000; tick++) {
      if (store.apply("busy", step).allowed()) {
        admitted++;
      }
      for (int k = 0; k < 3; k++) {
        store.apply("flood-" + flood++, step);
      }
      clock.advance(Duration.ofMillis(10));
    }
    assertThat(flood).isEqualTo(90_000);
    assertThat(store.size()).isLessThanOrEqualTo(101);
    assertThat(admitted).as("the busy key in 300 s of a 600 s window").isEqualTo(50);
  }
}
