/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import dev.limiter.annotation.RateLimit;
import dev.limiter.spi.Step;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One rate limit: a name, a window, a maximum, whose requests share a counter, a cost per request
 * and an algorithm. The value behind {@link RateLimit}.
 *
 * <pre>{@code
 * RateLimitPolicy hourly = RateLimitPolicy.of("account", "60m", 1000, "apiKey");
 * }</pre>
 *
 * @param name the policy id: letters, digits and {@code . _ - # $}; limits with one name share a
 *     counter per key
 * @param window the window, from 1 ms to 3660 days, in whole milliseconds
 * @param max units per window, from 1 to {@value dev.limiter.spi.Step#MAX_LIMIT}
 * @param key the key expression, as {@link RateLimit#key()} describes
 * @param cost units one request takes, from 1 to {@code max}
 * @param algorithm how units are counted
 */
public record RateLimitPolicy(
    String name, Duration window, long max, String key, long cost, Algorithm algorithm) {

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException naming the attribute, the value and the rule
   * @param name the policy id: letters, digits and {@code . _ - # $}; limits with one name share a
   *     counter per key
   * @param window the window, from 1 ms to 3660 days, in whole milliseconds
   * @param max units per window, from 1 to {@value dev.limiter.spi.Step#MAX_LIMIT}
   * @param key the key expression, as {@link RateLimit#key()} describes
   * @param cost units one request takes, from 1 to {@code max}
   * @param algorithm how units are counted
   */
  public RateLimitPolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(algorithm, "algorithm");
    requireName(name);
    requireWindow(window);
    requireMax(max);
    requireCost(cost, max);
    KeyExpression.parse(key);
  }

  /**
   * Returns a sliding-window policy of cost 1.
   *
   * @param name the policy name
   * @param window the window, such as {@code "60m"}
   * @param max units per window
   * @param key the key expression, such as {@code "apiKey"}
   * @return the policy
   * @throws IllegalArgumentException if a value is invalid
   */
  public static RateLimitPolicy of(String name, String window, long max, String key) {
    return new RateLimitPolicy(name, parseWindow(window), max, key, 1, Algorithm.SLIDING_WINDOW);
  }

  /**
   * Returns this policy with another maximum, as overrides and per-key limits do.
   *
   * @param newMax the new maximum
   * @return a policy that differs only in {@code max}
   * @throws IllegalArgumentException if {@code newMax} is invalid for this policy's cost
   */
  public RateLimitPolicy withMax(long newMax) {
    return new RateLimitPolicy(name, window, newMax, key, cost, algorithm);
  }

  /**
   * Returns this policy with another window.
   *
   * @param newWindow the new window
   * @return a policy that differs only in {@code window}
   * @throws IllegalArgumentException if {@code newWindow} is invalid
   */
  public RateLimitPolicy withWindow(Duration newWindow) {
    return new RateLimitPolicy(name, newWindow, max, key, cost, algorithm);
  }

  /**
   * Returns the names of the path parameters that the key reads ({@code path:NAME} parts), so that
   * an adapter can check them against its route when it starts.
   *
   * @return the names, in the order the key names them; empty when the key reads none
   */
  public Set<String> pathParameters() {
    return KeyExpression.parse(key).pathParameters();
  }

  /**
   * Parses a window such as {@code "250ms"}, {@code "1s"}, {@code "90s"}, {@code "60m"}, {@code
   * "24h"} or {@code "1d"}.
   *
   * @param text the window
   * @return the duration
   * @throws IllegalArgumentException if {@code text} is not a whole number followed by {@code ms},
   *     {@code s}, {@code m}, {@code h} or {@code d}
   */
  public static Duration parseWindow(String text) {
    Objects.requireNonNull(text, "text");
    return Windows.parse(text);
  }

  /**
   * Builds the policy that {@code annotation} declares on {@code method} of {@code type} (or on the
   * class itself when {@code method} is null).
   *
   * @throws IllegalArgumentException naming the class, the method and the attribute when a value is
   *     invalid
   */
  static RateLimitPolicy from(RateLimit annotation, Class<?> type, @Nullable Method method) {
    Objects.requireNonNull(annotation, "annotation");
    Objects.requireNonNull(type, "type");
    String where = where(type, method);
    return declared(
        annotation.name().isEmpty() ? defaultName(type, method) : annotation.name(),
        annotation.window(),
        annotation.max(),
        annotation.key(),
        annotation.cost(),
        annotation.algorithm(),
        (attribute, why) -> invalid(where, attribute, why));
  }

  /**
   * Makes the exception for an invalid attribute of a declared policy, saying where the policy was
   * declared (a method, a configuration key) and which value was wrong.
   */
  @FunctionalInterface
  public interface InvalidAttribute {
    /**
     * Returns the exception to throw.
     *
     * @param attribute the attribute whose value is invalid: {@code name}, {@code window}, {@code
     *     max}, {@code cost} or {@code key}
     * @param why the rule the value breaks
     * @return the exception, which the caller throws
     */
    IllegalArgumentException of(String attribute, String why);
  }

  /**
   * Builds a policy from a declaration, checking its attributes in the order of this signature, the
   * way {@link RateLimit} annotations are read; a reader of another kind of declaration (the
   * servlet filter's URL policies, say) uses it to report errors alike.
   *
   * @param name the policy name
   * @param window the window as written, such as {@code "60m"}
   * @param max units per window
   * @param key the key expression
   * @param cost units one request takes
   * @param algorithm how units are counted
   * @param invalid makes the exception for the first invalid attribute
   * @return the policy
   * @throws IllegalArgumentException the one {@code invalid} made, when an attribute is invalid
   */
  public static RateLimitPolicy declared(
      String name,
      String window,
      long max,
      String key,
      long cost,
      Algorithm algorithm,
      InvalidAttribute invalid) {
    Objects.requireNonNull(invalid, "invalid");
    Duration parsed;
    try {
      requireName(Objects.requireNonNull(name, "name"));
    } catch (IllegalArgumentException e) {
      throw invalid.of("name", String.valueOf(e.getMessage()));
    }
    try {
      parsed = Windows.parse(Objects.requireNonNull(window, "window"));
      requireWindow(parsed);
    } catch (IllegalArgumentException e) {
      throw invalid.of("window", String.valueOf(e.getMessage()));
    }
    try {
      requireMax(max);
    } catch (IllegalArgumentException e) {
      throw invalid.of("max", String.valueOf(e.getMessage()));
    }
    try {
      requireCost(cost, max);
    } catch (IllegalArgumentException e) {
      throw invalid.of("cost", String.valueOf(e.getMessage()));
    }
    try {
      KeyExpression.parse(Objects.requireNonNull(key, "key"));
    } catch (IllegalArgumentException e) {
      throw invalid.of("key", String.valueOf(e.getMessage()));
    }
    return new RateLimitPolicy(name, parsed, max, key, cost, algorithm);
  }

  private static void requireName(String name) {
    if (name.isEmpty() || !validName(name)) {
      throw new IllegalArgumentException(
          "name \"" + name + "\" must be non-empty and use only letters, digits and . _ - # $");
    }
  }

  private static void requireWindow(Duration window) {
    if (window.compareTo(Duration.ofMillis(1)) < 0
        || window.compareTo(Duration.ofDays(3660)) > 0
        || window.toNanos() % 1_000_000 != 0) {
      throw new IllegalArgumentException(
          "window " + Windows.describe(window) + " must be whole milliseconds from 1ms to 3660d");
    }
  }

  private static void requireMax(long max) {
    if (max < 1 || max > Step.MAX_LIMIT) {
      throw new IllegalArgumentException(
          String.format(Locale.ROOT, "max must be between 1 and %d, was %d", Step.MAX_LIMIT, max));
    }
  }

  private static void requireCost(long cost, long max) {
    if (cost < 1 || cost > max) {
      throw new IllegalArgumentException(
          String.format(Locale.ROOT, "cost must be between 1 and max (%d), was %d", max, cost));
    }
  }

  /** Describes where an annotation sits, such as {@code com.example.SearchResource#search}. */
  static String where(Class<?> type, @Nullable Method method) {
    return method == null ? type.getName() : type.getName() + "#" + method.getName();
  }

  private static String defaultName(Class<?> type, @Nullable Method method) {
    String simple = type.getSimpleName().isEmpty() ? type.getName() : type.getSimpleName();
    return method == null ? simple : simple + "#" + method.getName();
  }

  static IllegalArgumentException invalid(String where, String attribute, @Nullable String why) {
    return new IllegalArgumentException(
        String.format(
            Locale.ROOT, "Invalid @RateLimit on %s, attribute %s: %s", where, attribute, why));
  }

  private static boolean validName(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-'
              || c == '#'
              || c == '$';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%s[window=%s, max=%d, key=%s, cost=%d, algorithm=%s]",
        name,
        Windows.format(window),
        max,
        key,
        cost,
        algorithm);
  }
}
