/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import dev.limiter.Algorithm;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The URL-pattern policies of the configuration, validated, and the matching of a request path
 * against them. {@link RateLimitFilter} documents the format.
 */
final class UrlPolicies {

  static final String LIST_KEY = "ratelimit.url.policies";
  private static final String PREFIX = "ratelimit.url.";

  /** One servlet URL pattern: an exact path, a prefix ({@code /files/*}) or an extension. */
  record Pattern(Kind kind, String value) {
    enum Kind {
      EXACT,
      PREFIX,
      EXTENSION,
      ALL
    }

    boolean matches(String path) {
      return switch (kind) {
        case ALL -> true;
        case EXACT -> path.equals(value);
        case PREFIX ->
            path.startsWith(value)
                && (path.length() == value.length() || path.charAt(value.length()) == '/');
        case EXTENSION -> {
          int slash = path.lastIndexOf('/');
          yield path.endsWith(value) && path.length() - value.length() > slash + 1;
        }
      };
    }
  }

  /** A policy and where it applies; {@code methods} empty means every method. */
  record UrlPolicy(RateLimitPolicy policy, List<Pattern> patterns, Set<String> methods) {
    boolean matches(String path, String method) {
      if (!methods.isEmpty() && !methods.contains(method)) {
        return false;
      }
      for (Pattern pattern : patterns) {
        if (pattern.matches(path)) {
          return true;
        }
      }
      return false;
    }
  }

  private final List<UrlPolicy> policies;

  private UrlPolicies(List<UrlPolicy> policies) {
    this.policies = List.copyOf(policies);
  }

  /**
   * Reads the policies that {@code ratelimit.url.policies} lists and checks each with the limiter
   * (overrides, a name shared with another declaration).
   *
   * @throws IllegalArgumentException naming the configuration key whose value is wrong
   */
  static UrlPolicies from(RateLimiter limiter) {
    RateLimitConfig config = limiter.config();
    List<UrlPolicy> policies = new ArrayList<>();
    Optional<String> list = config.get(LIST_KEY);
    if (list.isEmpty()) {
      return new UrlPolicies(policies);
    }
    Set<String> names = new LinkedHashSet<>();
    for (String item : list.get().split(",", -1)) {
      String name = item.strip();
      if (!name.isEmpty() && !names.add(name)) {
        throw new IllegalArgumentException(
            String.format(Locale.ROOT, "%s names the policy \"%s\" twice", LIST_KEY, name));
      }
    }
    for (String name : names) {
      UrlPolicy policy = read(config, name);
      try {
        limiter.limits(List.of(policy.policy()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "URL policy " + name + " (" + PREFIX + name + ".*): " + e.getMessage(), e);
      }
      policies.add(policy);
    }
    return new UrlPolicies(policies);
  }

  private static UrlPolicy read(RateLimitConfig config, String name) {
    try {
      RateLimitPolicy.of(name, "1s", 1, "global"); // the name first: the keys below are made of it
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(LIST_KEY + ": policy " + e.getMessage(), e);
    }
    List<Pattern> patterns = new ArrayList<>();
    String patternKey = PREFIX + name + ".pattern";
    for (String item : required(config, patternKey).split(",", -1)) {
      patterns.add(pattern(patternKey, item.strip()));
    }
    String window = required(config, PREFIX + name + ".window");
    String maxText = required(config, PREFIX + name + ".max");
    String key = required(config, PREFIX + name + ".key");
    String costText = config.get(PREFIX + name + ".cost", "1");
    long max = number(PREFIX + name + ".max", maxText);
    long cost = number(PREFIX + name + ".cost", costText);
    String algorithmKey = PREFIX + name + ".algorithm";
    Algorithm algorithm = algorithm(algorithmKey, config.get(algorithmKey, "sliding_window"));
    // the checks and messages of @RateLimit, naming the configuration key instead of the method
    RateLimitPolicy policy =
        RateLimitPolicy.declared(
            name,
            window,
            max,
            key,
            cost,
            algorithm,
            (attribute, why) ->
                switch (attribute) {
                  case "window" -> invalid(PREFIX + name + ".window", window, why);
                  case "max" -> invalid(PREFIX + name + ".max", maxText, why);
                  case "cost" -> invalid(PREFIX + name + ".cost", costText, why);
                  case "key" -> invalid(PREFIX + name + ".key", key, why);
                  default -> invalid(LIST_KEY, name, why);
                });
    if (!policy.pathParameters().isEmpty()) {
      throw invalid(
          PREFIX + name + ".key",
          policy.key(),
          "path:"
              + policy.pathParameters().iterator().next()
              + " reads a path parameter, and a URL"
              + " policy has no path parameters; key on query:, header:, apiKey, principal or ip");
    }
    String methodsKey = PREFIX + name + ".methods";
    Set<String> methods = methods(methodsKey, config.get(methodsKey, ""));
    return new UrlPolicy(policy, patterns, methods);
  }

  /**
   * Returns the indexes of the policies that apply to a request.
   *
   * @param path the path within the context: servlet path and path info
   * @param method the HTTP method
   * @return the matching policies, or null when none matches
   */
  @Nullable BitSet matching(String path, String method) {
    BitSet matches = null;
    for (int i = 0; i < policies.size(); i++) {
      if (policies.get(i).matches(path, method)) {
        if (matches == null) {
          matches = new BitSet(policies.size());
        }
        matches.set(i);
      }
    }
    return matches;
  }

  List<RateLimitPolicy> policies(BitSet indexes) {
    List<RateLimitPolicy> result = new ArrayList<>(indexes.cardinality());
    for (int i = indexes.nextSetBit(0); i >= 0; i = indexes.nextSetBit(i + 1)) {
      result.add(policies.get(i).policy());
    }
    return result;
  }

  boolean isEmpty() {
    return policies.isEmpty();
  }

  static Pattern pattern(String key, String text) {
    Pattern pattern = null;
    if (text.equals("/*")) {
      pattern = new Pattern(Pattern.Kind.ALL, "");
    } else if (text.startsWith("*.")
        && text.length() > 2
        && text.indexOf('/') < 0
        && text.indexOf('*', 1) < 0) {
      pattern = new Pattern(Pattern.Kind.EXTENSION, text.substring(1));
    } else if (text.startsWith("/")
        && text.endsWith("/*")
        && text.indexOf('*') == text.length() - 1) {
      pattern = new Pattern(Pattern.Kind.PREFIX, text.substring(0, text.length() - 2));
    } else if (text.startsWith("/") && text.indexOf('*') < 0) {
      pattern = new Pattern(Pattern.Kind.EXACT, text);
    }
    if (pattern == null) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "invalid %s: \"%s\" is not a servlet URL pattern; use an exact path (/status), a"
                  + " prefix (/files/*), an extension (*.pdf) or /* for every path, separated by"
                  + " commas",
              key,
              text));
    }
    return pattern;
  }

  private static String required(RateLimitConfig config, String key) {
    Optional<String> value = config.get(key);
    if (value.isEmpty() || value.get().isEmpty()) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "%s is missing; every policy that %s lists needs .pattern, .window, .max and .key",
              key,
              LIST_KEY));
    }
    return value.get();
  }

  private static long number(String key, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw invalid(key, value, "not a whole number");
    }
  }

  private static Algorithm algorithm(String key, String value) {
    String constant = value.toUpperCase(Locale.ROOT).replace('-', '_');
    for (Algorithm algorithm : Algorithm.values()) {
      if (algorithm.name().equals(constant)) {
        return algorithm;
      }
    }
    throw invalid(key, value, "use sliding_window, fixed_window or token_bucket");
  }

  private static Set<String> methods(String key, String value) {
    Set<String> methods = new LinkedHashSet<>();
    for (String item : value.split(",", -1)) {
      String method = item.strip().toUpperCase(Locale.ROOT);
      if (method.isEmpty()) {
        continue;
      }
      for (int i = 0; i < method.length(); i++) {
        char c = method.charAt(i);
        if (!(c >= 'A' && c <= 'Z') && c != '-' && c != '_') {
          throw invalid(key, value, "list HTTP methods separated by commas, such as GET, POST");
        }
      }
      methods.add(method);
    }
    return Set.copyOf(methods);
  }

  private static IllegalArgumentException invalid(String key, String value, @Nullable String why) {
    return new IllegalArgumentException(
        String.format(Locale.ROOT, "invalid %s=\"%s\": %s", key, value, why));
  }
}
