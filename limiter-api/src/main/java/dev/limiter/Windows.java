/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import java.time.Duration;
import java.util.Locale;

/** Parses and prints window durations such as {@code "250ms"}, {@code "60m"} and {@code "1d"}. */
final class Windows {

  static final String FORMS =
      "a whole number followed by ms, s, m, h or d, such as 250ms, 1s, 90s, 60m, 24h or 1d";

  private Windows() {}

  /**
   * Parses a window.
   *
   * @throws IllegalArgumentException if {@code text} is not of an accepted form or out of range
   */
  static Duration parse(String text) {
    int digits = 0;
    while (digits < text.length() && text.charAt(digits) >= '0' && text.charAt(digits) <= '9') {
      digits++;
    }
    String unit = text.substring(digits);
    if (digits == 0 || digits > 12) {
      throw new IllegalArgumentException(invalid(text));
    }
    long amount = Long.parseLong(text.substring(0, digits));
    return switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      case "d" -> Duration.ofDays(amount);
      default -> throw new IllegalArgumentException(invalid(text));
    };
  }

  private static String invalid(String text) {
    return String.format(Locale.ROOT, "\"%s\" is not a window; use %s", text, FORMS);
  }

  /** Formats a window for a message: as {@link #format} when whole milliseconds, else ISO-8601. */
  static String describe(Duration window) {
    return window.isNegative()
            || window.getNano() % 1_000_000 != 0
            || window.getSeconds() > 1L << 40
        ? window.toString()
        : format(window);
  }

  /** Formats a window in the largest unit that divides it exactly. */
  static String format(Duration window) {
    long millis = window.toMillis();
    if (millis == 0) {
      return "0ms";
    }
    if (millis % 86_400_000L == 0) {
      return millis / 86_400_000L + "d";
    }
    if (millis % 3_600_000L == 0) {
      return millis / 3_600_000L + "h";
    }
    if (millis % 60_000L == 0) {
      return millis / 60_000L + "m";
    }
    if (millis % 1000L == 0) {
      return millis / 1000L + "s";
    }
    return millis + "ms";
  }
}
