/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import dev.limiter.Algorithm;
import dev.limiter.EndpointLimits;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import java.time.Duration;
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
  private static final String DEFAULT_IDEMPOTENCY_HEADER = "Idempotency-Key";

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

  /**
   * Idempotent retries declared by a URL policy: {@code .idempotency-window} and {@code
   * .idempotency-header}.
   */
  record Idempotency(Duration window, String header) {}

  /**
   * A policy and where it applies; {@code methods} empty means every method; {@code idempotency}
   * null when the policy declares no idempotent retries.
   */
  record UrlPolicy(
      RateLimitPolicy policy,
      List<Pattern> patterns,
      Set<String> methods,
      @Nullable Idempotency idempotency) {
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
   * (overrides, a name shared with another declaration, idempotent retries).
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
      EndpointLimits alone;
      try {
        alone = limiter.limits(List.of(policy.policy()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "URL policy " + name + " (" + PREFIX + name + ".*): " + e.getMessage(), e);
      }
      Idempotency idempotency = policy.idempotency();
      if (idempotency != null) {
        try {
          alone.withIdempotency(idempotency.window(), idempotency.header());
        } catch (IllegalArgumentException e) {
          String message = String.valueOf(e.getMessage());
          String key =
              PREFIX + name + ".idempotency-" + (message.contains("header") ? "header" : "window");
          throw invalid(key, config.get(key, ""), message);
        }
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
    String prefix = PREFIX + name + ".";
    List<Pattern> patterns = new ArrayList<>();
    String patternKey = prefix + "pattern";
    for (String item : required(config, patternKey).split(",", -1)) {
      patterns.add(pattern(patternKey, item.strip()));
    }
    String kindKey = prefix + "kind";
    String kindText = config.get(kindKey, "rate");
    boolean concurrency =
        switch (kindText.strip().toLowerCase(Locale.ROOT)) {
          case "rate" -> false;
          case "concurrency" -> true;
          default ->
              throw invalid(
                  kindKey,
                  kindText,
                  "use rate (requests per window, the default) or concurrency (requests in flight"
                      + " at once)");
        };
    String maxText = required(config, prefix + "max");
    String key = required(config, prefix + "key");
    long max = number(prefix + "max", maxText);
    String unless = config.get(prefix + "unless", "");
    String optionalKey = prefix + "optional";
    boolean optional = bool(optionalKey, config.get(optionalKey, "false"));
    RateLimitPolicy policy =
        concurrency
            ? concurrency(config, name, max, maxText, key, unless, optional)
            : rate(config, name, max, maxText, key, unless, optional);
    // the checks and messages of @RateLimit name the method; these name the configuration key
    checkNoPathParameter(prefix + "key", key);
    if (!unless.isBlank()) {
      checkNoPathParameter(prefix + "unless", unless);
    }
    String methodsKey = prefix + "methods";
    Set<String> methods = methods(methodsKey, config.get(methodsKey, ""));
    return new UrlPolicy(policy, patterns, methods, idempotency(config, prefix));
  }

  private static RateLimitPolicy rate(
      RateLimitConfig config,
      String name,
      long max,
      String maxText,
      String key,
      String unless,
      boolean optional) {
    String prefix = PREFIX + name + ".";
    Optional<String> lease = config.get(prefix + "lease");
    if (lease.isPresent()) {
      throw invalid(
          prefix + "lease",
          lease.get(),
          "only a policy of "
              + prefix
              + "kind=concurrency has a lease; a rate limit counts requests over its .window");
    }
    String window = required(config, prefix + "window");
    String costText = config.get(prefix + "cost", "1");
    long cost = number(prefix + "cost", costText);
    String algorithmKey = prefix + "algorithm";
    Algorithm algorithm = algorithm(algorithmKey, config.get(algorithmKey, "sliding_window"));
    String countOn = config.get(prefix + "count-on", "");
    return RateLimitPolicy.declared(
        name,
        window,
        max,
        key,
        cost,
        algorithm,
        countOn,
        unless,
        optional,
        (attribute, why) ->
            switch (attribute) {
              case "window" -> invalid(prefix + "window", window, why);
              case "max" -> invalid(prefix + "max", maxText, why);
              case "cost" -> invalid(prefix + "cost", costText, why);
              case "key" -> invalid(prefix + "key", key, why);
              case "countOn" -> invalid(prefix + "count-on", countOn, why);
              case "unless" -> invalid(prefix + "unless", unless, why);
              default -> invalid(LIST_KEY, name, why);
            });
  }

  private static RateLimitPolicy concurrency(
      RateLimitConfig config,
      String name,
      long max,
      String maxText,
      String key,
      String unless,
      boolean optional) {
    String prefix = PREFIX + name + ".";
    for (String rateOnly : List.of("window", "cost", "algorithm", "count-on")) {
      Optional<String> value = config.get(prefix + rateOnly);
      if (value.isPresent()) {
        throw invalid(
            prefix + rateOnly,
            value.get(),
            "a policy of "
                + prefix
                + "kind=concurrency counts the requests in flight, every one until its response"
                + " completes, and has no "
                + rateOnly
                + "; its slots are held for its .lease (30s by default), renewed while a request"
                + " runs");
      }
    }
    String lease = config.get(prefix + "lease", "30s");
    return RateLimitPolicy.declaredConcurrency(
        name,
        max,
        key,
        lease,
        unless,
        optional,
        (attribute, why) ->
            switch (attribute) {
              case "max" -> invalid(prefix + "max", maxText, why);
              case "key" -> invalid(prefix + "key", key, why);
              case "lease" -> invalid(prefix + "lease", lease, why);
              case "unless" -> invalid(prefix + "unless", unless, why);
              default -> invalid(LIST_KEY, name, why);
            });
  }

  /**
   * A URL policy applies to paths, which have no path parameters a {@code path:} part could read.
   */
  private static void checkNoPathParameter(String configKey, String expression) {
    Set<String> names = RateLimitPolicy.of("probe", "1s", 1, expression).pathParameters();
    if (!names.isEmpty()) {
      throw invalid(
          configKey,
          expression,
          "path:"
              + names.iterator().next()
              + " reads a path parameter, and a URL"
              + " policy has no path parameters; key on query:, header:, apiKey, bearer, principal"
              + " or ip");
    }
  }

  private static @Nullable Idempotency idempotency(RateLimitConfig config, String prefix) {
    String windowKey = prefix + "idempotency-window";
    String headerKey = prefix + "idempotency-header";
    Optional<String> window = config.get(windowKey);
    Optional<String> header = config.get(headerKey);
    if (window.isEmpty()) {
      if (header.isPresent()) {
        throw invalid(
            headerKey,
            header.get(),
            "idempotent retries are turned on by "
                + windowKey
                + ", such as 24h, the time a key is remembered; set it too, or remove this key");
      }
      return null;
    }
    Duration parsed;
    try {
      parsed = RateLimitPolicy.parseWindow(window.get().strip());
    } catch (IllegalArgumentException e) {
      throw invalid(windowKey, window.get(), e.getMessage());
    }
    return new Idempotency(parsed, header.orElse(DEFAULT_IDEMPOTENCY_HEADER).strip());
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

  /**
   * Returns the policies that apply to a request as a mask, bit {@code i} for the {@code i}th
   * policy; 0 when none does. Only for up to 64 policies ({@link #size()}).
   *
   * @param path the path within the context
   * @param method the HTTP method
   */
  long mask(String path, String method) {
    if (policies.size() > Long.SIZE) {
      throw new IllegalStateException("a mask holds 64 policies, not " + policies.size());
    }
    long matches = 0;
    for (int i = 0; i < policies.size(); i++) {
      if (policies.get(i).matches(path, method)) {
        matches |= 1L << i;
      }
    }
    return matches;
  }

  int size() {
    return policies.size();
  }

  List<RateLimitPolicy> policies(BitSet indexes) {
    List<RateLimitPolicy> result = new ArrayList<>(indexes.cardinality());
    for (int i = indexes.nextSetBit(0); i >= 0; i = indexes.nextSetBit(i + 1)) {
      result.add(policies.get(i).policy());
    }
    return result;
  }

  /**
   * Returns the idempotent retries of the first of the policies at {@code indexes} that declares
   * them, in the order {@code ratelimit.url.policies} lists them, or null when none does.
   */
  @Nullable Idempotency idempotency(BitSet indexes) {
    for (int i = indexes.nextSetBit(0); i >= 0; i = indexes.nextSetBit(i + 1)) {
      Idempotency idempotency = policies.get(i).idempotency();
      if (idempotency != null) {
        return idempotency;
      }
    }
    return null;
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
              "%s is missing; every policy that %s lists needs .pattern, .max and .key, and a"
                  + " rate limit (the default .kind) needs .window as well",
              key,
              LIST_KEY));
    }
    return value.get();
  }

  private static boolean bool(String key, String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(key, value, "use true or false");
    };
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
