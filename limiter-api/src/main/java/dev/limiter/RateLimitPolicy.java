/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import dev.limiter.annotation.ConcurrencyLimit;
import dev.limiter.annotation.RateLimit;
import dev.limiter.spi.Step;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
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
 * @param kind what the limit counts: requests over the window, or requests in flight (whose window
 *     is then the lease of a slot)
 * @param countOn which responses count; the units of a request whose status does not match are
 *     given back after its response
 * @param unless a key expression that turns the limit off for a request when it resolves, or empty
 * @param optional whether a request whose key does not resolve skips this limit (instead of being
 *     answered 400 or 401)
 */
public record RateLimitPolicy(
    String name,
    Duration window,
    long max,
    String key,
    long cost,
    Algorithm algorithm,
    LimitKind kind,
    StatusSet countOn,
    String unless,
    boolean optional) {

  /** The lease of a {@link LimitKind#CONCURRENCY} limit when none is given: 30 seconds. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

  /** The shortest lease of a {@link LimitKind#CONCURRENCY} limit: 3 seconds. */
  public static final Duration MIN_LEASE = Duration.ofSeconds(3);

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
   * @param kind what the limit counts
   * @param countOn which responses count
   * @param unless a key expression that turns the limit off when it resolves, or empty
   * @param optional whether a request whose key does not resolve skips this limit
   */
  public RateLimitPolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(countOn, "countOn");
    Objects.requireNonNull(unless, "unless");
    requireName(name);
    requireWindow(window);
    requireMax(max);
    requireCost(cost, max);
    KeyExpression.parse(key);
    requireKind(kind, window, algorithm, countOn);
    if (!unless.isBlank()) {
      KeyExpression.parse(unless);
    }
  }

  /**
   * A rate limit that counts every response and always applies: the policy of a plain {@link
   * RateLimit}.
   *
   * @param name the policy id
   * @param window the window
   * @param max units per window
   * @param key the key expression
   * @param cost units one request takes
   * @param algorithm how units are counted
   * @throws IllegalArgumentException naming the attribute, the value and the rule
   */
  public RateLimitPolicy(
      String name, Duration window, long max, String key, long cost, Algorithm algorithm) {
    this(name, window, max, key, cost, algorithm, LimitKind.RATE, StatusSet.ALL, "", false);
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
   * Returns a limit of {@code max} requests in flight per key, with the {@link #DEFAULT_LEASE}.
   *
   * @param name the policy name
   * @param max requests in flight at once per key
   * @param key the key expression
   * @return the policy
   * @throws IllegalArgumentException if a value is invalid
   */
  public static RateLimitPolicy concurrency(String name, long max, String key) {
    return new RateLimitPolicy(
        name,
        DEFAULT_LEASE,
        max,
        key,
        1,
        Algorithm.SLIDING_WINDOW,
        LimitKind.CONCURRENCY,
        StatusSet.ALL,
        "",
        false);
  }

  /**
   * Returns this policy counting only the responses whose status matches.
   *
   * @param statuses the statuses that count, as {@link StatusSet#parse} reads them
   * @return a policy that differs only in {@code countOn}
   * @throws IllegalArgumentException if the list is invalid, or this is a limit on requests in
   *     flight
   */
  public RateLimitPolicy withCountOn(String statuses) {
    return new RateLimitPolicy(
        name, window, max, key, cost, algorithm, kind, StatusSet.parse(statuses), unless, optional);
  }

  /**
   * Returns this policy turned off for requests where {@code expression} resolves.
   *
   * @param expression a key expression, or empty for a limit that always applies
   * @return a policy that differs only in {@code unless}
   * @throws IllegalArgumentException if the expression is invalid
   */
  public RateLimitPolicy withUnless(String expression) {
    return new RateLimitPolicy(
        name, window, max, key, cost, algorithm, kind, countOn, expression, optional);
  }

  /**
   * Returns this policy applying only to requests whose key resolves, or to every request.
   *
   * @param skipWithoutKey whether a request whose key does not resolve skips this limit
   * @return a policy that differs only in {@code optional}
   */
  public RateLimitPolicy withOptional(boolean skipWithoutKey) {
    return new RateLimitPolicy(
        name, window, max, key, cost, algorithm, kind, countOn, unless, skipWithoutKey);
  }

  /**
   * Returns this policy with another maximum, as overrides and per-key limits do.
   *
   * @param newMax the new maximum
   * @return a policy that differs only in {@code max}
   * @throws IllegalArgumentException if {@code newMax} is invalid for this policy's cost
   */
  public RateLimitPolicy withMax(long newMax) {
    return new RateLimitPolicy(
        name, window, newMax, key, cost, algorithm, kind, countOn, unless, optional);
  }

  /**
   * Returns this policy with another window.
   *
   * @param newWindow the new window
   * @return a policy that differs only in {@code window}
   * @throws IllegalArgumentException if {@code newWindow} is invalid
   */
  public RateLimitPolicy withWindow(Duration newWindow) {
    return new RateLimitPolicy(
        name, newWindow, max, key, cost, algorithm, kind, countOn, unless, optional);
  }

  /**
   * Returns the names of the path parameters that the key and {@code unless} read ({@code
   * path:NAME} parts), so that an adapter can check them against its route when it starts.
   *
   * @return the names, in the order the key names them; empty when the key reads none
   */
  public Set<String> pathParameters() {
    Set<String> names = KeyExpression.parse(key).pathParameters();
    if (unless.isBlank()) {
      return names;
    }
    Set<String> all = new LinkedHashSet<>(names);
    all.addAll(KeyExpression.parse(unless).pathParameters());
    return Collections.unmodifiableSet(all);
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
        annotation.countOn(),
        annotation.unless(),
        annotation.optional(),
        (attribute, why) -> invalid("@RateLimit", where, attribute, why));
  }

  /**
   * Builds the policy that a {@link ConcurrencyLimit} declares, as {@link #from(RateLimit, Class,
   * Method)} does; its default name ends in {@code #inFlight}, so that it never meets a rate
   * limit's.
   */
  static RateLimitPolicy from(ConcurrencyLimit annotation, Class<?> type, @Nullable Method method) {
    Objects.requireNonNull(annotation, "annotation");
    Objects.requireNonNull(type, "type");
    String where = where(type, method);
    return declaredConcurrency(
        annotation.name().isEmpty() ? defaultName(type, method) + "#inFlight" : annotation.name(),
        annotation.max(),
        annotation.key(),
        annotation.lease(),
        annotation.unless(),
        annotation.optional(),
        (attribute, why) -> invalid("@ConcurrencyLimit", where, attribute, why));
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
     *     max}, {@code cost}, {@code key}, {@code countOn}, {@code unless} or {@code lease}
     * @param why the rule the value breaks
     * @return the exception, which the caller throws
     */
    IllegalArgumentException of(String attribute, String why);
  }

  /**
   * Builds a rate limit from a declaration that counts every response and always applies, as {@link
   * #declared(String, String, long, String, long, Algorithm, String, String, boolean,
   * InvalidAttribute)} does.
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
    return declared(name, window, max, key, cost, algorithm, "", "", false, invalid);
  }

  /**
   * Builds a rate limit from a declaration, checking its attributes in the order of this signature,
   * the way {@link RateLimit} annotations are read; a reader of another kind of declaration (the
   * servlet filter's URL policies, say) uses it to report errors alike.
   *
   * @param name the policy name
   * @param window the window as written, such as {@code "60m"}
   * @param max units per window
   * @param key the key expression
   * @param cost units one request takes
   * @param algorithm how units are counted
   * @param countOn the statuses that count, as {@link StatusSet#parse} reads them; empty for all
   * @param unless a key expression that turns the limit off when it resolves, or empty
   * @param optional whether a request whose key does not resolve skips the limit
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
      String countOn,
      String unless,
      boolean optional,
      InvalidAttribute invalid) {
    Objects.requireNonNull(invalid, "invalid");
    requireDeclaredName(name, invalid);
    Duration parsed;
    try {
      parsed = Windows.parse(Objects.requireNonNull(window, "window"));
      requireWindow(parsed);
    } catch (IllegalArgumentException e) {
      throw invalid.of("window", String.valueOf(e.getMessage()));
    }
    requireDeclaredMax(max, invalid);
    try {
      requireCost(cost, max);
    } catch (IllegalArgumentException e) {
      throw invalid.of("cost", String.valueOf(e.getMessage()));
    }
    requireDeclaredKey(key, invalid);
    StatusSet statuses;
    try {
      statuses = StatusSet.parse(Objects.requireNonNull(countOn, "countOn"));
    } catch (IllegalArgumentException e) {
      throw invalid.of("countOn", String.valueOf(e.getMessage()));
    }
    requireDeclaredUnless(unless, invalid);
    return new RateLimitPolicy(
        name, parsed, max, key, cost, algorithm, LimitKind.RATE, statuses, unless, optional);
  }

  /**
   * Builds a limit on requests in flight from a declaration, checking its attributes in the order
   * of this signature, the way {@link ConcurrencyLimit} annotations are read.
   *
   * @param name the policy name
   * @param max requests in flight at once per key
   * @param key the key expression
   * @param lease how long a slot is held without renewal, as written, such as {@code "30s"}
   * @param unless a key expression that turns the limit off when it resolves, or empty
   * @param optional whether a request whose key does not resolve skips the limit
   * @param invalid makes the exception for the first invalid attribute
   * @return the policy
   * @throws IllegalArgumentException the one {@code invalid} made, when an attribute is invalid
   */
  public static RateLimitPolicy declaredConcurrency(
      String name,
      long max,
      String key,
      String lease,
      String unless,
      boolean optional,
      InvalidAttribute invalid) {
    Objects.requireNonNull(invalid, "invalid");
    requireDeclaredName(name, invalid);
    requireDeclaredMax(max, invalid);
    requireDeclaredKey(key, invalid);
    Duration parsed;
    try {
      parsed = Windows.parse(Objects.requireNonNull(lease, "lease"));
      requireWindow(parsed);
      requireLease(parsed);
    } catch (IllegalArgumentException e) {
      throw invalid.of("lease", String.valueOf(e.getMessage()));
    }
    requireDeclaredUnless(unless, invalid);
    return new RateLimitPolicy(
        name,
        parsed,
        max,
        key,
        1,
        Algorithm.SLIDING_WINDOW,
        LimitKind.CONCURRENCY,
        StatusSet.ALL,
        unless,
        optional);
  }

  private static void requireDeclaredName(String name, InvalidAttribute invalid) {
    try {
      requireName(Objects.requireNonNull(name, "name"));
    } catch (IllegalArgumentException e) {
      throw invalid.of("name", String.valueOf(e.getMessage()));
    }
  }

  private static void requireDeclaredMax(long max, InvalidAttribute invalid) {
    try {
      requireMax(max);
    } catch (IllegalArgumentException e) {
      throw invalid.of("max", String.valueOf(e.getMessage()));
    }
  }

  private static void requireDeclaredKey(String key, InvalidAttribute invalid) {
    try {
      KeyExpression.parse(Objects.requireNonNull(key, "key"));
    } catch (IllegalArgumentException e) {
      throw invalid.of("key", String.valueOf(e.getMessage()));
    }
  }

  private static void requireDeclaredUnless(String unless, InvalidAttribute invalid) {
    try {
      if (!Objects.requireNonNull(unless, "unless").isBlank()) {
        KeyExpression.parse(unless);
      }
    } catch (IllegalArgumentException e) {
      throw invalid.of("unless", String.valueOf(e.getMessage()));
    }
  }

  private static void requireKind(
      LimitKind kind, Duration window, Algorithm algorithm, StatusSet countOn) {
    if (kind == LimitKind.CONCURRENCY) {
      if (algorithm != Algorithm.SLIDING_WINDOW || !countOn.all()) {
        throw new IllegalArgumentException(
            "a limit on requests in flight counts every request until its response completes;"
                + " it has algorithm SLIDING_WINDOW (the lease's) and counts every status, was "
                + algorithm
                + " counting "
                + countOn);
      }
      requireLease(window);
    }
  }

  private static void requireLease(Duration lease) {
    if (lease.compareTo(MIN_LEASE) < 0) {
      throw new IllegalArgumentException(
          "lease "
              + Windows.describe(lease)
              + " must be at least 3s, so that a slot's lease is renewed before it runs out");
    }
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
    return invalid("@RateLimit", where, attribute, why);
  }

  static IllegalArgumentException invalid(
      String annotation, String where, String attribute, @Nullable String why) {
    return new IllegalArgumentException(
        String.format(
            Locale.ROOT, "Invalid %s on %s, attribute %s: %s", annotation, where, attribute, why));
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
        "%s[%s=%s, max=%d, key=%s, cost=%d, algorithm=%s%s%s%s]",
        name,
        kind == LimitKind.CONCURRENCY ? "inFlight, lease" : "window",
        Windows.format(window),
        max,
        key,
        cost,
        algorithm,
        countOn.all() ? "" : ", countOn=" + countOn,
        unless.isBlank() ? "" : ", unless=" + unless,
        optional ? ", optional" : "");
  }
}
