/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.testing.CampaignReport;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The key-flood campaign over HTTP (RELIABILITY.md): the real demo server, a flood of new API keys
 * of 1 to 250 characters on {@code /api/hello} (5 a minute per key) that fills its Caffeine store
 * before three hot keys arrive, then goes on beside them, one request a second from each hot key
 * for twelve minutes of the demo's clock. No hot key is admitted more than 5 times in any minute,
 * no answer is a 5xx, and the heap the server retains stays under the stated bound.
 *
 * <p>Default: a store of 10,000 keys ({@code ratelimit.caffeine.maximum-size}) filled with 20,000.
 * {@code -Dreliability.full=true} (the {@code reliability} profile): the default bound of 1,000,000
 * keys, filled with 1,000,000 and 300,000 more.
 */
class HttpFloodCampaignTest {

  private static final boolean FULL = Boolean.getBoolean("reliability.full");
  private static final int MAX = 5;
  private static final long HEAP_BOUND_PER_KEY = 400;

  @Test
  void aFloodOfNewApiKeysNeverLetsAHotKeyThrough() throws Exception {
    long maximumSize = FULL ? 1_000_000 : 10_000;
    long prefill = FULL ? 1_000_000 : 20_000;
    long more = FULL ? 300_000 : 7_200;
    long before = CampaignReport.retainedHeapBytes();
    CampaignReport.resetPeakHeap();
    Map<String, String> settings =
        FULL ? Map.of() : Map.of("ratelimit.caffeine.maximum-size", Long.toString(maximumSize));
    AtomicInteger serverErrors = new AtomicInteger();
    AtomicInteger requests = new AtomicInteger();
    int over = 0;
    int most = 0;
    try (TestDemo demo = TestDemo.start(settings, Map.of())) {
      flood(demo, 0, prefill, 2, requests, serverErrors);
      String[] hot = {"hot-1", "hot-2", "hot-3"};
      List<ArrayDeque<Long>> admitted = new ArrayList<>();
      for (int h = 0; h < hot.length; h++) {
        admitted.add(new ArrayDeque<>());
      }
      long window = Duration.ofMinutes(1).toNanos();
      int ticks = 720;
      long flooded = prefill;
      KeepAliveClient client = new KeepAliveClient(demo.port());
      for (int tick = 0; tick < ticks; tick++) {
        long now = demo.clock().epochNanos();
        for (int h = 0; h < hot.length; h++) {
          int status = client.get("/api/hello", "X-API-Key", hot[h]);
          requests.incrementAndGet();
          serverErrors.addAndGet(status >= 500 ? 1 : 0);
          if (status == 200) {
            ArrayDeque<Long> times = admitted.get(h);
            times.addLast(now);
            while (times.peekFirst() <= now - window) {
              times.removeFirst();
            }
            most = Math.max(most, times.size());
            over += times.size() > MAX ? 1 : 0;
          }
        }
        long due = prefill + more * (tick + 1) / ticks;
        flood(demo, flooded, due, FULL ? 2 : 1, requests, serverErrors);
        flooded = due;
        demo.clock().advance(Duration.ofSeconds(1));
      }
      client.close();
      long peak = CampaignReport.peakHeapBytes();
      long retained = CampaignReport.retainedHeapBytes() - before;
      CampaignReport.of("key-flood-http")
          .with("maximum_size", maximumSize)
          .with("requests", requests.get())
          .with("flood_keys", flooded)
          .with("hot_most_in_a_minute", most)
          .with("over_admissions", over)
          .with("server_errors_5xx", serverErrors.get())
          .with("retained_heap", CampaignReport.megabytes(retained))
          .with("peak_heap", CampaignReport.megabytes(peak))
          .write();
      assertThat(over).as("hot admissions beyond 5 a minute; most in one minute %d", most).isZero();
      assertThat(most).as("the hot keys were admitted up to their limit").isEqualTo(MAX);
      assertThat(serverErrors).hasValue(0);
      assertThat(retained).isLessThan(HEAP_BOUND_PER_KEY * maximumSize + 64_000_000L);
    }
  }

  /** Sends keys {@code from} to {@code to} (exclusive) once each, on {@code threads} threads. */
  private static void flood(
      TestDemo demo,
      long from,
      long to,
      int threads,
      AtomicInteger requests,
      AtomicInteger serverErrors)
      throws Exception {
    if (to <= from) {
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long start = from + (to - from) * t / threads;
        long end = from + (to - from) * (t + 1) / threads;
        parts.add(
            pool.submit(
                () -> {
                  try (KeepAliveClient client = new KeepAliveClient(demo.port())) {
                    for (long n = start; n < end; n++) {
                      int status = client.get("/api/hello", "X-API-Key", floodKey(n));
                      requests.incrementAndGet();
                      serverErrors.addAndGet(status >= 500 ? 1 : 0);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> part : parts) {
        part.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Flood key {@code n}: 1 to 250 visible ASCII characters, the same for the same {@code n}. */
  static String floodKey(long n) {
    Random random = new Random(n * 0x9E3779B97F4A7C15L);
    int length = 1 + random.nextInt(250);
    StringBuilder key = new StringBuilder(length + 12).append(Long.toString(n, 36)).append('-');
    while (key.length() < length) {
      key.append((char) ('!' + random.nextInt(94)));
    }
    return key.toString();
  }
}
