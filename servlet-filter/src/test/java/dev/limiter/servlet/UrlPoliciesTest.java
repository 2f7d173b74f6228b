/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.Algorithm;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import dev.limiter.caffeine.CaffeineStore;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UrlPoliciesTest {

  @ParameterizedTest(name = "{0} on {1}: {2}")
  @CsvSource({
    "/*,          /,                true",
    "/*,          /a/b.pdf,         true",
    "/status,     /status,          true",
    "/status,     /status/,         false",
    "/status,     /statuses,        false",
    "/files/*,    /files,           true",
    "/files/*,    /files/,          true",
    "/files/*,    /files/a/b,       true",
    "/files/*,    /filesystem,      false",
    "/files/*,    /other/files/a,   false",
    "*.pdf,       /a/b.pdf,         true",
    "*.pdf,       /b.pdf,           true",
    "*.pdf,       /a.pdf/b,         false",
    "*.pdf,       /a/.pdf,          false",
    "*.pdf,       /a/bpdf,          false",
    "*.tar.gz,    /x/a.tar.gz,      true",
    "/,           /,                true",
    "/,           /a,               false",
  })
  void servletPatterns(String pattern, String path, boolean matches) {
    assertThat(UrlPolicies.pattern("k", pattern).matches(path)).isEqualTo(matches);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "files/*", "/files*", "/*/x", "*.", "*.a/b", "**.pdf", "/a/*/*", "*"})
  void invalidPatternsNameTheKey(String pattern) {
    assertThatThrownBy(() -> UrlPolicies.pattern("ratelimit.url.x.pattern", pattern))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ratelimit.url.x.pattern")
        .hasMessageContaining("\"" + pattern + "\"");
  }

  @Test
  void readsEveryAttributeAndMatchesByPathAndMethod() {
    UrlPolicies policies =
        read(
            Map.ofEntries(
                Map.entry("ratelimit.url.policies", " uploads , pdfs "),
                Map.entry("ratelimit.url.uploads.pattern", "/upload/*, /attach"),
                Map.entry("ratelimit.url.uploads.window", "1h"),
                Map.entry("ratelimit.url.uploads.max", "10"),
                Map.entry("ratelimit.url.uploads.key", "apiKey|ip"),
                Map.entry("ratelimit.url.uploads.cost", "2"),
                Map.entry("ratelimit.url.uploads.algorithm", "token-bucket"),
                Map.entry("ratelimit.url.uploads.methods", "post, put"),
                Map.entry("ratelimit.url.pdfs.pattern", "*.pdf"),
                Map.entry("ratelimit.url.pdfs.window", "1m"),
                Map.entry("ratelimit.url.pdfs.max", "5"),
                Map.entry("ratelimit.url.pdfs.key", "ip")));

    BitSet both = policies.matching("/upload/a.pdf", "POST");

    assertThat(policies.policies(both))
        .containsExactly(
            new RateLimitPolicy(
                "uploads", Duration.ofHours(1), 10, "apiKey|ip", 2, Algorithm.TOKEN_BUCKET),
            RateLimitPolicy.of("pdfs", "1m", 5, "ip"));
    assertThat(policies.policies(policies.matching("/upload/a.pdf", "GET")))
        .extracting(RateLimitPolicy::name)
        .containsExactly("pdfs");
    assertThat(policies.policies(policies.matching("/attach", "PUT")))
        .extracting(RateLimitPolicy::name)
        .containsExactly("uploads");
    assertThat(policies.matching("/attach", "GET")).isNull(); // uploads is for POST and PUT only
    assertThat(policies.matching("/attach/x", "PUT")).isNull(); // an exact pattern
    assertThat(policies.matching("/other", "POST")).isNull();
  }

  @Test
  void noListMeansNoPolicies() {
    assertThat(read(Map.of("ratelimit.url.x.pattern", "/x")).isEmpty()).isTrue();
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ratelimit.url.p.window    | 60x            | invalid ratelimit.url.p.window=\"60x\"",
        "ratelimit.url.p.window    | 0ms            | invalid ratelimit.url.p.window=\"0ms\"",
        "ratelimit.url.p.max       | ten            | invalid ratelimit.url.p.max=\"ten\": not a"
            + " whole number",
        "ratelimit.url.p.max       | 0              | invalid ratelimit.url.p.max=\"0\": max must"
            + " be",
        "ratelimit.url.p.key       | cookie:x       | invalid ratelimit.url.p.key=\"cookie:x\"",
        "ratelimit.url.p.cost      | 11             | invalid ratelimit.url.p.cost=\"11\": cost"
            + " must be",
        "ratelimit.url.p.algorithm | leaky          | invalid ratelimit.url.p.algorithm=\"leaky\"",
        "ratelimit.url.p.methods   | GET;POST       | invalid ratelimit.url.p.methods=\"GET;POST\"",
        "ratelimit.url.p.pattern   | /a/*, b        | invalid ratelimit.url.p.pattern: \"b\"",
        "ratelimit.url.policies    | p, p           | ratelimit.url.policies names the policy \"p\""
            + " twice",
        "ratelimit.url.policies    | p, bad name    | ratelimit.url.policies: policy name \"bad"
            + " name\"",
        "ratelimit.url.policies    | p, q           | ratelimit.url.q.pattern is missing",
        "ratelimit.p.max           | -1             | ratelimit.p.max",
      })
  void invalidValuesNameTheKey(String key, String value, String message) {
    Map<String, String> config = new HashMap<>(valid());
    config.put(key, value);

    assertThatThrownBy(() -> read(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aNameSharedWithDifferentSettingsIsRefused() {
    try (RateLimiter limiter = limiter(valid())) {
      limiter.limits(List.of(RateLimitPolicy.of("p", "1h", 10, "ip")));

      assertThatThrownBy(() -> UrlPolicies.from(limiter))
          .hasMessageContaining("URL policy p (ratelimit.url.p.*)")
          .hasMessageContaining("share one counter");
    }
  }

  private static Map<String, String> valid() {
    return Map.of(
        "ratelimit.url.policies", "p",
        "ratelimit.url.p.pattern", "/p/*",
        "ratelimit.url.p.window", "1m",
        "ratelimit.url.p.max", "10",
        "ratelimit.url.p.key", "ip");
  }

  private static UrlPolicies read(Map<String, String> values) {
    try (RateLimiter limiter = limiter(values)) {
      return UrlPolicies.from(limiter);
    }
  }

  private static RateLimiter limiter(Map<String, String> values) {
    RateLimitConfig.Builder config =
        RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of());
    values.forEach(config::set);
    return RateLimiter.builder().store(CaffeineStore.ofDefaults()).config(config.build()).build();
  }
}
