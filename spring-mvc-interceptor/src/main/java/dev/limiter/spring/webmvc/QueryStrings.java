/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.webmvc;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Reads query parameters from a raw query string by the servlet filter's rules, so that {@code
 * query:NAME} keys resolve to the same values in both adapters: {@code
 * application/x-www-form-urlencoded} decoding ({@code +} is a space, {@code %XX} a byte, bytes as
 * UTF-8), lenient (an invalid escape stays as written, invalid UTF-8 becomes U+FFFD), so that no
 * query string can make it throw.
 */
final class QueryStrings {

  private QueryStrings() {}

  /**
   * Returns the decoded value of the first parameter called {@code name} in a raw query string:
   * {@code ""} for a parameter written without {@code =}, null when there is none.
   */
  static @Nullable String parameter(@Nullable String query, String name) {
    if (query == null) {
      return null;
    }
    int length = query.length();
    int start = 0;
    while (start <= length) {
      int end = query.indexOf('&', start);
      if (end < 0) {
        end = length;
      }
      int equals = query.indexOf('=', start);
      if (equals < 0 || equals > end) {
        equals = end;
      }
      if (equals > start && decode(query, start, equals).equals(name)) {
        return equals == end ? "" : decode(query, equals + 1, end);
      }
      start = end + 1;
    }
    return null;
  }

  /** Decodes {@code text[from, to)}; never throws. */
  static String decode(String text, int from, int to) {
    boolean plain = true;
    for (int i = from; i < to && plain; i++) {
      char c = text.charAt(i);
      plain = c != '%' && c != '+';
    }
    if (plain) {
      return text.substring(from, to);
    }
    StringBuilder out = new StringBuilder(to - from);
    byte[] bytes = new byte[(to - from) / 3];
    int count = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      int high = c == '%' ? hex(text, i + 1, to) : -1;
      int low = high >= 0 ? hex(text, i + 2, to) : -1;
      if (low >= 0) {
        bytes[count++] = (byte) (high << 4 | low);
        i += 2;
        continue;
      }
      if (count > 0) {
        out.append(new String(bytes, 0, count, StandardCharsets.UTF_8));
        count = 0;
      }
      out.append(c == '+' ? ' ' : c);
    }
    if (count > 0) {
      out.append(new String(bytes, 0, count, StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  /**
   * The value of an ASCII hex digit at {@code index}, or -1 (Character.digit also takes non-ASCII
   * digits).
   */
  private static int hex(String text, int index, int to) {
    if (index >= to) {
      return -1;
    }
    char c = text.charAt(index);
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
