/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.caffeine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.Algorithm;
import dev.limiter.EndpointLimits;
import dev.limiter.ManualClock;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import dev.limiter.testing.CampaignReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The key-flood campaign through the engine (RELIABILITY.md): the Caffeine store with its default
 * bound of 1,000,000 keys, filled by a flood of new keys of 1 to 250 characters (a tenth of them
 * outside Latin-1) before the hot keys arrive, so that each hot key is new in a full cache (the
 * case the eviction policy is least kind to), then more flood beside hot keys on each algorithm
 * sending every 10 ms under 50 per 10 minutes. No hot key is ever admitted more than its algorithm
 * allows in a window, however much the flood evicts; the heap the store retains stays under the
 * stated bound.
 *
 * <p>Default: 1,000,000 flood keys, then 300,000 more over 12 minutes; and the case, a
 * store of 10,000 filled with 20,000, then ten new keys every 10 ms. {@code -Dreliability.scale=N}
 * (the {@code reliability} profile: 5) floods N times as many keys in those 12 minutes.
 */
class KeyFloodCampaignTest {

  private static final int SCALE = Integer.getInteger("reliability.scale", 1);
  private static final int MAX = 50;
  private static final Duration WINDOW = Duration.ofMinutes(10);

  /**
   * What a million idle keys may retain, at most about 300 B each (BENCHMARKS.md), and the summary.
   */
  private static final long HEAP_BOUND_PER_KEY = 400;

  /**
   * The default bound, and the small one (10,000 keys filled with 20,000), where the
   * eviction policy drops hot keys often: both without a single over-admission.
   */
  @ParameterizedTest(name = "maximumSize {0}, prefilled with {1}, {2} more keys")
  @CsvSource({"1000000, 1000000, 300000", "10000, 20000, 120000"})
  void aFloodOfNewKeysPastTheBoundNeverLetsAHotKeyThrough(
      long maximumSize, long prefill, long more) {
    ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T10:00:00Z"));
    long before = CampaignReport.retainedHeapBytes();
    CampaignReport.resetPeakHeap();
    CaffeineStore store = CaffeineStore.builder().maximumSize(maximumSize).clock(clock).build();
    RateLimiter limiter =
        RateLimiter.builder()
            .store(store)
            .config(
                RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build())
            .build();
    Algorithm[] algorithms = Algorithm.values();
    EndpointLimits[] limits = new EndpointLimits[algorithms.length];
    for (int a = 0; a < algorithms.length; a++) {
      limits[a] =
          limiter.limits(
              List.of(
                  new RateLimitPolicy(
                      "hot-" + algorithms[a].name().toLowerCase(java.util.Locale.ROOT),
                      WINDOW,
                      MAX,
                      "apiKey",
                      1,
                      algorithms[a])));
    }
    String[] hot = {"hot-a", "hot-b"};
    List<List<ArrayDeque<Long>>> admittedAt = new ArrayList<>();
    for (int a = 0; a < algorithms.length; a++) {
      List<ArrayDeque<Long>> perKey = new ArrayList<>();
      for (int h = 0; h < hot.length; h++) {
        perKey.add(new ArrayDeque<>());
      }
      admittedAt.add(perKey);
    }
    int[][] most = new int[algorithms.length][hot.length];
    int[][] fixedCount = new int[algorithms.length][hot.length];
    long[][] fixedWindow = new long[algorithms.length][hot.length];

    Random random = new Random(42);
    int ticks = (int) (WINDOW.toMillis() * 6 / 5 / 10);
    long floodKeys = prefill + more * SCALE;
    long flooded = 0;
    long window = WINDOW.toNanos();
    int over = 0;
    long decisions = 0;
    // the flood has filled the store when the hot keys arrive: each is new in a full cache
    for (; flooded < prefill; flooded++) {
      decisions++;
      limiter.acquire(limits[random.nextInt(limits.length)], floodKey(random, flooded));
    }
    for (int tick = 0; tick < ticks; tick++) {
      long now = clock.epochNanos();
      for (int a = 0; a < algorithms.length; a++) {
        for (int h = 0; h < hot.length; h++) {
          decisions++;
          if (!limiter.acquire(limits[a], hot[h]).allowed()) {
            continue;
          }
          if (algorithms[a] == Algorithm.FIXED_WINDOW) {
            long index = Math.floorDiv(now, window);
            if (index != fixedWindow[a][h]) {
              fixedWindow[a][h] = index;
              fixedCount[a][h] = 0;
            }
            most[a][h] = Math.max(most[a][h], ++fixedCount[a][h]);
            over += fixedCount[a][h] > MAX ? 1 : 0;
          } else {
            ArrayDeque<Long> times = admittedAt.get(a).get(h);
            times.addLast(now);
            while (times.peekFirst() <= now - window) {
              times.removeFirst();
            }
            most[a][h] = Math.max(most[a][h], times.size());
            // a token bucket allows a burst of max and max more over a window
            over +=
                times.size() > (algorithms[a] == Algorithm.TOKEN_BUCKET ? 2 * MAX : MAX) ? 1 : 0;
          }
        }
      }
      long due = prefill + (floodKeys - prefill) * (tick + 1) / ticks;
      for (; flooded < due; flooded++) {
        decisions++;
        limiter.acquire(limits[random.nextInt(limits.length)], floodKey(random, flooded));
      }
      clock.advance(Duration.ofMillis(10));
    }
    long peak = CampaignReport.peakHeapBytes();
    store.cleanUp();
    long retained = CampaignReport.retainedHeapBytes() - before;
    long held = store.estimatedSize();
    int worst = 0;
    CampaignReport report = CampaignReport.of("key-flood-engine").with("maximum_size", maximumSize);
    for (int a = 0; a < algorithms.length; a++) {
      int algorithmMost = Math.max(most[a][0], most[a][1]);
      worst = Math.max(worst, algorithmMost);
      report.with(
          "hot_most_in_a_window_" + algorithms[a].name().toLowerCase(java.util.Locale.ROOT),
          algorithmMost);
    }
    report
        .with("flood_keys", flooded)
        .with("decisions", decisions)
        .with("keys_held", held)
        .with("evicted_holding_units", store.evictedHoldingUnits())
        .with("over_admissions", over)
        .with("retained_heap", CampaignReport.megabytes(retained))
        .with("peak_heap", CampaignReport.megabytes(peak))
        .write();
    assertThat(over)
        .as("hot admissions beyond their algorithm's bound; most in one window %d", worst)
        .isZero();
    assertThat(store.evictedHoldingUnits())
        .as("the flood filled the store and it evicted keys in use")
        .isPositive();
    assertThat(held).as("keys held").isLessThanOrEqualTo(maximumSize + 1_000);
    assertThat(retained)
        .as("heap retained by %d keys", held)
        .isLessThan(HEAP_BOUND_PER_KEY * Math.max(held, 10_000));
    limiter.close();
    store.close();
  }

  /** A new key of 1 to 250 characters; one in ten has characters outside Latin-1. */
  static String floodKey(Random random, long n) {
    int length = 1 + random.nextInt(250);
    StringBuilder key = new StringBuilder(length + 12).append(Long.toString(n, 36)).append('-');
    boolean wide = random.nextInt(10) == 0;
    while (key.length() < length) {
      key.append(
          wide ? (char) (0x4E00 + random.nextInt(2_000)) : (char) ('!' + random.nextInt(94)));
    }
    return key.toString();
  }
}
