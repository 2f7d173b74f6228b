package dev.limiter.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.Algorithm;
import dev.limiter.ManualClock;
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
        tasks.add(() -> {
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
}
