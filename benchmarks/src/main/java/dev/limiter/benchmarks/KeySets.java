/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.benchmarks;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Client keys and the order in which a benchmark draws them, generated before measuring so that the
 * measured path only reads an array.
 */
final class KeySets {

  /** The number of distinct keys in the {@code uniform} and {@code zipf} key sets. */
  static final int KEYS = 1_000_000;

  /** The length of a draw sequence; a power of two so that a cursor wraps with a mask. */
  static final int DRAWS = 1 << 22;

  /** The Zipf exponent: 0.99, as in the YCSB benchmark's request distribution. */
  static final double ZIPF_EXPONENT = 0.99;

  private KeySets() {}

  /** Returns {@code count} distinct keys of 14 characters, {@code client-0000000} and on. */
  static String[] distinctKeys(int count) {
    String[] keys = new String[count];
    for (int i = 0; i < count; i++) {
      keys[i] = key(i);
    }
    return keys;
  }

  /** Returns key number {@code i}: {@code client-} and {@code i} in seven digits. */
  static String key(int i) {
    String digits = Integer.toString(i);
    return "client-" + "0000000".substring(Math.min(7, digits.length())) + digits;
  }

  /**
   * Returns {@link #DRAWS} keys drawn from {@code keys} as {@code distribution} says: {@code hot}
   * (always the first key), {@code uniform}, or {@code zipf} (rank r drawn with probability
   * proportional to 1 / r^0.99, ranks shuffled over the keys).
   */
  static String[] draws(String distribution, String[] keys, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    String[] draws = new String[DRAWS];
    switch (distribution) {
      case "hot" -> Arrays.fill(draws, keys[0]);
      case "uniform" -> {
        for (int i = 0; i < DRAWS; i++) {
          draws[i] = keys[random.nextInt(keys.length)];
        }
      }
      case "zipf" -> {
        double[] cdf = zipfCdf(keys.length);
        int[] keyOfRank = shuffledIndexes(keys.length, random);
        for (int i = 0; i < DRAWS; i++) {
          int rank = Arrays.binarySearch(cdf, random.nextDouble());
          rank = rank >= 0 ? rank : Math.min(-rank - 1, keys.length - 1);
          draws[i] = keys[keyOfRank[rank]];
        }
      }
      default -> throw new IllegalArgumentException("unknown key distribution " + distribution);
    }
    return draws;
  }

  private static double[] zipfCdf(int n) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int rank = 0; rank < n; rank++) {
      sum += 1.0 / Math.pow(rank + 1, ZIPF_EXPONENT);
      cdf[rank] = sum;
    }
    for (int rank = 0; rank < n; rank++) {
      cdf[rank] /= sum;
    }
    return cdf;
  }

  private static int[] shuffledIndexes(int n, SplittableRandom random) {
    int[] indexes = new int[n];
    for (int i = 0; i < n; i++) {
      indexes[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = indexes[i];
      indexes[i] = indexes[j];
      indexes[j] = swap;
    }
    return indexes;
  }
}
