/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of a reliability campaign (RELIABILITY.md): one line per run, printed and appended to
 * {@code target/reliability/<campaign>.tsv} of the module that ran it, so that a run's figures can
 * be read back without searching the build log.
 */
public final class CampaignReport {

  private final String campaign;
  private final Map<String, Object> figures = new LinkedHashMap<>();

  private CampaignReport(String campaign) {
    this.campaign = campaign;
  }

  /** Starts a line of figures for {@code campaign}. */
  public static CampaignReport of(String campaign) {
    return new CampaignReport(campaign);
  }

  /** Adds a figure. */
  public CampaignReport with(String name, Object value) {
    figures.put(name, value);
    return this;
  }

  /** Prints the line and appends it to the campaign's file. */
  public void write() {
    StringBuilder line = new StringBuilder("RELIABILITY ").append(campaign);
    StringBuilder tsv = new StringBuilder();
    figures.forEach(
        (name, value) -> {
          line.append(' ').append(name).append('=').append(value);
          tsv.append(tsv.length() == 0 ? "" : "\t").append(name).append('=').append(value);
        });
    System.out.println(line);
    Path file = Path.of("target", "reliability", campaign + ".tsv");
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(
          file,
          tsv + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Heap in use after full collections: what the live objects retain. */
  public static long retainedHeapBytes() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** Forgets the heap pools' peaks, so that {@link #peakHeapBytes} measures from now. */
  public static void resetPeakHeap() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /** The sum of the heap pools' peaks since {@link #resetPeakHeap}: garbage included. */
  public static long peakHeapBytes() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  /** Megabytes with one decimal. */
  public static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1fMB", bytes / 1e6);
  }
}
