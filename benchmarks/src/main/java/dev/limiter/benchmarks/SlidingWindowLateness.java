/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.benchmarks;

import dev.limiter.Algorithm;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How late the sliding window gives capacity back, per limit range: random arrival traces (bursts,
 * steady traffic near the limit's rate, pauses; one request in four costs a random share of the
 * limit) through {@link Algorithm#SLIDING_WINDOW}'s step, each rejection compared with an exact log
 * of the units the step admitted. For a request of cost {@code c} rejected at {@code t}, the exact
 * log would admit it at the first instant its oldest units have left {@code [t' - window, t']}; the
 * step answers {@code t + retryAfter}. Lateness is the difference, as a share of the window: never
 * negative (never early), at most one sub-window (2%).
 *
 * <p>Run, after {@code mvn -B -q package -DskipTests} at the repository root:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.limiter.benchmarks.SlidingWindowLateness
 * </pre>
 *
 * <p>Prints one Markdown table: per limit, the rejections compared, the mean and largest lateness
 * in percent of the window, and the state's length in longs at the end of the largest trace.
 */
public final class SlidingWindowLateness {

  private static final long SECOND = 1_000_000_000L;
  private static final long[] LIMITS = {5, 63, 255, 1_000, 4_095, 65_535, 1_000_000};
  private static final long[] WINDOWS = {SECOND, 60 * SECOND, 3_600 * SECOND};
  private static final int TRACES = 200;
  private static final int REQUESTS = 2_000;

  private SlidingWindowLateness() {}

  /**
   * Prints the table.
   *
   * @param args none
   */
  public static void main(String[] args) {
    System.out.println(
        "| max | windows | rejections compared | mean late, percent of window | most late, percent"
            + " of window | never early | state longs, largest |");
    System.out.println("|---:|---|---:|---:|---:|---|---:|");
    for (long max : LIMITS) {
      long compared = 0;
      double sum = 0;
      double most = 0;
      boolean early = false;
      int longest = 0;
      for (long window : WINDOWS) {
        for (int trace = 0; trace < TRACES; trace++) {
          double[] result = trace(new SplittableRandom(max * 31 + window + trace), window, max);
          compared += (long) result[0];
          sum += result[1];
          most = Math.max(most, result[2]);
          early |= result[3] < 0;
          longest = Math.max(longest, (int) result[4]);
        }
      }
      System.out.printf(
          Locale.ROOT,
          "| %,d | 1 s, 1 min, 1 h | %,d | %.3f | %.3f | %s | %d |%n",
          max,
          compared,
          compared == 0 ? 0 : 100 * sum / compared,
          100 * most,
          early ? "**no**" : "yes",
          longest);
    }
  }

  /** Returns {rejections compared, sum of lateness shares, largest share, least share, length}. */
  private static double[] trace(SplittableRandom random, long window, long max) {
    long[] state = null;
    StepResult result = new StepResult();
    ArrayDeque<long[]> log = new ArrayDeque<>(); // {time, cost} of admissions in the window
    long now = 1_772_442_000L * SECOND + random.nextLong(window);
    long meanGap = Math.max(1, window / max);
    long compared = 0;
    double sum = 0;
    double most = 0;
    double least = Double.MAX_VALUE;
    for (int request = 0; request < REQUESTS; request++) {
      now += gap(random, meanGap, window);
      long cost = random.nextInt(4) == 0 ? 1 + random.nextLong(Math.max(1, max / 8)) : 1;
      Step step = Step.acquire(Algorithm.SLIDING_WINDOW, window, max, cost);
      state = step.prepare(state);
      step.applyTo(state, now, result);
      while (!log.isEmpty() && log.peekFirst()[0] < now - window) {
        log.removeFirst();
      }
      if (result.allowed()) {
        log.addLast(new long[] {now, cost});
        continue;
      }
      long used = 0;
      for (long[] admitted : log) {
        used += admitted[1];
      }
      long exact = now; // the first instant the exact log admits the request
      long freed = 0;
      for (long[] admitted : log) {
        if (used - freed + cost <= max) {
          break;
        }
        freed += admitted[1];
        exact = admitted[0] + window + 1; // it leaves [t - window, t] after t = time + window
      }
      if (used - freed + cost > max) {
        continue; // the request costs more than the limit: never admitted
      }
      double late = (double) (now + result.retryAfterNanos() - exact) / window;
      compared++;
      sum += late;
      most = Math.max(most, late);
      least = Math.min(least, late);
    }
    return new double[] {
      compared, sum, most, compared == 0 ? 0 : least, state == null ? 0 : state.length
    };
  }

  /** Bursts, steady traffic near the limit's rate, and pauses longer than the window. */
  private static long gap(SplittableRandom random, long meanGap, long window) {
    int dice = random.nextInt(100);
    if (dice < 30) {
      return random.nextLong(1 + meanGap / 20);
    } else if (dice < 97) {
      return 1 + random.nextLong(2 * meanGap);
    }
    return window + random.nextLong(window);
  }
}
