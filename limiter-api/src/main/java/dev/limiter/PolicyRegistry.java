/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import dev.limiter.annotation.ConcurrencyLimit;
import dev.limiter.annotation.IdempotencyKey;
import dev.limiter.annotation.RateLimit;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The policies one {@link RateLimiter} has handed out: reads annotations, applies configuration
 * overrides, and refuses a second policy of one name with different settings, since policies that
 * share a name share one counter per key. Thread-safe.
 */
final class PolicyRegistry {

  private final RateLimitConfig config;
  private final Map<String, Registration> registered = new ConcurrentHashMap<>();

  private record Registration(RateLimitPolicy policy, String where) {}

  private final Exemptions globalExemptions;

  PolicyRegistry(RateLimitConfig config) {
    this.config = config;
    this.globalExemptions = Exemptions.read(config, "ratelimit.exempt.");
  }

  /** See {@link RateLimiter#limitsFor(Class, Method, Set)}. */
  EndpointLimits limitsFor(
      Class<?> type, @Nullable Method method, @Nullable Set<String> pathParameters) {
    Objects.requireNonNull(type, "type");
    List<RateLimitPolicy> policies = new ArrayList<>();
    List<String> places = new ArrayList<>();
    for (RateLimit annotation : type.getAnnotationsByType(RateLimit.class)) {
      policies.add(
          checkPath(RateLimitPolicy.from(annotation, type, null), type, null, pathParameters));
      places.add(RateLimitPolicy.where(type, null));
    }
    for (ConcurrencyLimit annotation : type.getAnnotationsByType(ConcurrencyLimit.class)) {
      policies.add(
          checkPath(RateLimitPolicy.from(annotation, type, null), type, null, pathParameters));
      places.add(RateLimitPolicy.where(type, null));
    }
    IdempotencyKey idempotency = type.getAnnotation(IdempotencyKey.class);
    String idempotencyPlace = RateLimitPolicy.where(type, null);
    if (method != null) {
      for (RateLimit annotation : method.getAnnotationsByType(RateLimit.class)) {
        policies.add(
            checkPath(
                RateLimitPolicy.from(annotation, type, method), type, method, pathParameters));
        places.add(RateLimitPolicy.where(type, method));
      }
      for (ConcurrencyLimit annotation : method.getAnnotationsByType(ConcurrencyLimit.class)) {
        policies.add(
            checkPath(
                RateLimitPolicy.from(annotation, type, method), type, method, pathParameters));
        places.add(RateLimitPolicy.where(type, method));
      }
      IdempotencyKey own = method.getAnnotation(IdempotencyKey.class);
      if (own != null) {
        idempotency = own;
        idempotencyPlace = RateLimitPolicy.where(type, method);
      }
    }
    EndpointLimits limits = build(policies, places);
    if (idempotency == null) {
      return limits;
    }
    Duration window;
    try {
      window = Windows.parse(idempotency.window());
    } catch (IllegalArgumentException e) {
      throw RateLimitPolicy.invalid(
          "@IdempotencyKey", idempotencyPlace, "window", String.valueOf(e.getMessage()));
    }
    try {
      return limits.withIdempotency(window, idempotency.header(), idempotency.maxRetries());
    } catch (IllegalArgumentException e) {
      throw RateLimitPolicy.invalid(
          "@IdempotencyKey", idempotencyPlace, attributeOf(e.getMessage()), e.getMessage());
    }
  }

  /** See {@link RateLimiter#limits(List)}. */
  EndpointLimits limits(List<RateLimitPolicy> policies) {
    Objects.requireNonNull(policies, "policies");
    List<String> places = new ArrayList<>();
    for (int i = 0; i < policies.size(); i++) {
      places.add("code");
    }
    return build(policies, places);
  }

  /** Which attribute of an {@code @IdempotencyKey} the message of withIdempotency is about. */
  private static String attributeOf(@Nullable String message) {
    if (message == null) {
      return "window";
    }
    return message.startsWith("the idempotency header")
        ? "header"
        : message.startsWith("the free retries") ? "maxRetries" : "window";
  }

  private static RateLimitPolicy checkPath(
      RateLimitPolicy policy, Class<?> type, @Nullable Method method, @Nullable Set<String> bound) {
    if (bound == null) {
      return policy;
    }
    for (String name : policy.pathParameters()) {
      if (!bound.contains(name)) {
        String why =
            bound.isEmpty()
                ? String.format(
                    Locale.ROOT,
                    "path:%s reads a path parameter, and this endpoint has no path parameters"
                        + " (a servlet never has any; an endpoint mapped to several paths has"
                        + " those that every one of them binds); key on query:, header:, apiKey,"
                        + " principal or ip",
                    name)
                : String.format(
                    Locale.ROOT,
                    "path:%s is not a parameter of this endpoint's path template, which has %s;"
                        + " names are case-sensitive",
                    name,
                    describe(bound));
        throw RateLimitPolicy.invalid(RateLimitPolicy.where(type, method), "key", why);
      }
    }
    return policy;
  }

  private static String describe(Set<String> names) {
    StringBuilder out = new StringBuilder();
    for (String name : names) {
      out.append(out.length() == 0 ? "" : ", ").append('{').append(name).append('}');
    }
    return out.toString();
  }

  private EndpointLimits build(List<RateLimitPolicy> declared, List<String> places) {
    List<RateLimitPolicy> policies = new ArrayList<>(declared.size());
    for (int i = 0; i < declared.size(); i++) {
      RateLimitPolicy policy = override(Objects.requireNonNull(declared.get(i), "policy"));
      for (RateLimitPolicy earlier : policies) {
        if (earlier.name().equals(policy.name())) {
          throw new IllegalArgumentException(
              String.format(
                  Locale.ROOT,
                  "policy \"%s\" is declared twice on %s; give each limit of an endpoint its own"
                      + " name",
                  policy.name(),
                  places.get(i)));
        }
      }
      register(policy, places.get(i));
      policies.add(policy);
    }
    Exemptions[] exemptions = new Exemptions[policies.size()];
    for (int i = 0; i < exemptions.length; i++) {
      exemptions[i] = Exemptions.read(config, "ratelimit." + policies.get(i).name() + ".exempt.");
    }
    return new EndpointLimits(policies, globalExemptions, exemptions, 0, null, 0);
  }

  private void register(RateLimitPolicy policy, String where) {
    Registration existing = registered.putIfAbsent(policy.name(), new Registration(policy, where));
    if (existing != null) {
      RateLimitPolicy other = existing.policy();
      boolean same =
          other.window().equals(policy.window())
              && other.max() == policy.max()
              && other.algorithm() == policy.algorithm()
              && other.kind() == policy.kind()
              && other.countOn().equals(policy.countOn())
              && KeyExpression.parse(other.key())
                  .canonical()
                  .equals(KeyExpression.parse(policy.key()).canonical());
      if (!same) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "policy \"%s\" is declared as %s on %s and as %s on %s; limits that share a name"
                    + " share one counter per key, so give them the same window, max, algorithm,"
                    + " key and counted statuses, or different names",
                policy.name(),
                other,
                existing.where(),
                policy,
                where));
      }
    }
  }

  private RateLimitPolicy override(RateLimitPolicy policy) {
    String prefix = "ratelimit." + policy.name() + ".";
    RateLimitPolicy result = policy;
    Optional<String> window = config.get(prefix + "window");
    if (window.isPresent()) {
      try {
        result = result.withWindow(Windows.parse(window.get()));
      } catch (IllegalArgumentException e) {
        throw invalidOverride(config, prefix + "window", e);
      }
    }
    Optional<String> max = config.get(prefix + "max");
    if (max.isPresent()) {
      try {
        result = result.withMax(Long.parseLong(max.get()));
      } catch (IllegalArgumentException e) {
        throw invalidOverride(config, prefix + "max", e);
      }
    }
    return result;
  }

  private static IllegalArgumentException invalidOverride(
      RateLimitConfig config, String key, IllegalArgumentException e) {
    return new IllegalArgumentException(
        "Invalid override "
            + config.describe(key)
            + ": "
            + (e instanceof NumberFormatException ? "not a whole number" : e.getMessage()),
        e);
  }
}
