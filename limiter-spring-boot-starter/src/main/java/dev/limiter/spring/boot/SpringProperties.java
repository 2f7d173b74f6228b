/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.boot;

import dev.limiter.RateLimitConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;

/** Reads the {@code ratelimit.*} keys of a Spring {@link Environment}. */
final class SpringProperties {

  /** How {@link RateLimitConfig#describe} names the values set here. */
  static final String SOURCE = "Spring Environment";

  private static final Pattern INDEXED = Pattern.compile("(.+?)(?:\\[(\\d+)]|\\.(\\d+))");

  private SpringProperties() {}

  /**
   * Returns the configuration: every {@code ratelimit.*} key of the environment, with the
   * precedence of its property sources and relaxed binding, set as values from {@link #SOURCE}.
   */
  static RateLimitConfig config(Environment environment) {
    Map<String, String> bound;
    try {
      bound =
          Binder.get(environment)
              .bind("ratelimit", Bindable.mapOf(String.class, String.class))
              .orElseGet(Map::of);
    } catch (BindException e) {
      throw new IllegalStateException(
          "The rate limiter cannot start: the ratelimit.* properties cannot be read as text ("
              + e.getMessage()
              + "); give each key a single value, such as ratelimit.headers=ietf",
          e);
    }
    RateLimitConfig.Builder builder = RateLimitConfig.builder().valuesFrom(SOURCE);
    for (Map.Entry<String, String> entry : joinIndexed(bound).entrySet()) {
      String key = "ratelimit." + entry.getKey();
      if (key.equals("ratelimit.config")) {
        // a system property or RATELIMIT_CONFIG wins, as elsewhere: the builder reads those itself
        if (System.getProperty(key) == null
            && System.getenv(RateLimitConfig.environmentName(key)) == null
            && !entry.getValue().isBlank()) {
          builder.file(Path.of(entry.getValue().strip()));
        }
      } else {
        builder.set(key, entry.getValue());
      }
    }
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("The rate limiter cannot start: " + e.getMessage(), e);
    }
  }

  /**
   * Joins the elements of a list (a YAML list, {@code key[0]=...}), which the binder gives as
   * {@code key.0}, {@code key.1}, ..., into one comma-separated value of {@code key}; no limiter
   * key ends in a number.
   */
  static Map<String, String> joinIndexed(Map<String, String> bound) {
    Map<String, String> values = new TreeMap<>();
    Map<String, Map<Integer, String>> lists = new TreeMap<>();
    for (Map.Entry<String, String> entry : bound.entrySet()) {
      Matcher indexed = INDEXED.matcher(entry.getKey());
      if (indexed.matches()) {
        lists
            .computeIfAbsent(indexed.group(1), k -> new TreeMap<>())
            .put(
                Integer.parseInt(indexed.group(2) != null ? indexed.group(2) : indexed.group(3)),
                entry.getValue());
      } else {
        values.put(entry.getKey(), entry.getValue());
      }
    }
    for (Map.Entry<String, Map<Integer, String>> list : lists.entrySet()) {
      values.putIfAbsent(list.getKey(), String.join(", ", list.getValue().values()));
    }
    return values;
  }

  /**
   * Returns where each {@code ratelimit.*} key that {@code message} names is set, such as {@code
   * ratelimit.search.max is set in class path resource [application.properties] - 3:22}.
   */
  static List<String> origins(String message, Environment environment) {
    List<String> origins = new ArrayList<>();
    Matcher keys =
        Pattern.compile("ratelimit\\.[A-Za-z0-9._\\-\\[\\]]*[A-Za-z0-9\\]]").matcher(message);
    while (keys.find()) {
      String key = keys.group();
      Origin origin = origin(key, environment);
      String line = origin == null ? null : key + " is set in " + origin;
      if (line != null && !origins.contains(line)) {
        origins.add(line);
      }
    }
    return origins;
  }

  private static @Nullable Origin origin(String key, Environment environment) {
    ConfigurationPropertyName name =
        ConfigurationPropertyName.ofIfValid(key.toLowerCase(Locale.ROOT));
    if (name == null) {
      return null;
    }
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      ConfigurationProperty property = source.getConfigurationProperty(name);
      if (property != null) {
        return property.getOrigin();
      }
    }
    return null;
  }
}
