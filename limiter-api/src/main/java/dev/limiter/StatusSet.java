/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Which response statuses a limit counts, as written in {@link
 * dev.limiter.annotation.RateLimit#countOn()}: empty for every status, a list of codes and classes
 * such as {@code "401, 403"} or {@code "2xx"}, or {@code "!"} before such a list for every status
 * but those, such as {@code "!5xx"}.
 *
 * <pre>{@code
 * StatusSet failedLogins = StatusSet.parse("401, 403");
 * failedLogins.matches(401); // true
 * failedLogins.matches(200); // false: a successful login gives its unit back
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class StatusSet {

  /** Every status: the default, under which a limit counts every request it admits. */
  public static final StatusSet ALL = new StatusSet(new boolean[600], true, "");

  private final boolean[] listed; // by status code, 100 to 599
  private final boolean negated;
  private final String text;

  private StatusSet(boolean[] listed, boolean negated, String text) {
    this.listed = listed;
    this.negated = negated;
    this.text = text;
  }

  /**
   * Parses a status list.
   *
   * @param text empty for every status; codes from 100 to 599 and classes {@code 1xx} to {@code
   *     5xx}, separated by commas; {@code !} before the list for every status but those
   * @return the set
   * @throws IllegalArgumentException naming the entry that is neither a code nor a class
   */
  public static StatusSet parse(String text) {
    Objects.requireNonNull(text, "text");
    String list = text.strip();
    if (list.isEmpty()) {
      return ALL;
    }
    boolean negated = list.startsWith("!");
    if (negated) {
      list = list.substring(1).strip();
    }
    boolean[] listed = new boolean[600];
    StringBuilder canonical = new StringBuilder(negated ? "!" : "");
    for (String entry : list.split(",", -1)) {
      String item = entry.strip().toLowerCase(Locale.ROOT);
      if (item.length() != 3 || item.charAt(0) < '1' || item.charAt(0) > '5') {
        throw invalid(text, entry);
      }
      if (item.endsWith("xx")) {
        int base = (item.charAt(0) - '0') * 100;
        Arrays.fill(listed, base, base + 100, true);
      } else if (Character.isDigit(item.charAt(1)) && Character.isDigit(item.charAt(2))) {
        listed[Integer.parseInt(item)] = true;
      } else {
        throw invalid(text, entry);
      }
      canonical.append(canonical.length() > (negated ? 1 : 0) ? "," : "").append(item);
    }
    return new StatusSet(listed, negated, canonical.toString());
  }

  private static IllegalArgumentException invalid(String text, String entry) {
    return new IllegalArgumentException(
        String.format(
            Locale.ROOT,
            "\"%s\" in \"%s\" is not a status; list codes from 100 to 599 and classes 1xx to 5xx"
                + " separated by commas, such as \"401, 403\" or \"2xx\", with ! before the list"
                + " for every status but those, such as \"!5xx\"",
            entry.strip(),
            text));
  }

  /**
   * Returns whether a response with {@code status} counts.
   *
   * @param status the response status
   * @return whether the limit keeps the units the request took
   */
  public boolean matches(int status) {
    boolean in = status >= 100 && status < 600 && listed[status];
    return negated != in;
  }

  /**
   * Returns whether every status counts, so that no unit is given back after the response.
   *
   * @return true for {@link #ALL}
   */
  public boolean all() {
    return text.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StatusSet other
        && negated == other.negated
        && Arrays.equals(listed, other.listed);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(listed) + Boolean.hashCode(negated);
  }

  /** Returns the list in the form {@link #parse} reads, empty for {@link #ALL}. */
  @Override
  public String toString() {
    return text;
  }
}
