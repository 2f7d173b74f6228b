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
    for (String[] request :
        new String[][] {
          {"/upload/a.pdf", "POST"},
          {"/upload/a.pdf", "GET"},
          {"/attach", "PUT"},
          {"/other", "POST"}
        }) {
      BitSet matching = policies.matching(request[0], request[1]);
      assertThat(BitSet.valueOf(new long[] {policies.mask(request[0], request[1])}))
          .as("the mask of %s %s", request[1], request[0])
          .isEqualTo(matching == null ? new BitSet() : matching);
    }
  }

  @Test
  void readsTheLimitsBeyondRequestRate() {
    UrlPolicies policies =
        read(
            Map.ofEntries(
                Map.entry("ratelimit.url.policies", "login, exports, payments"),
                Map.entry("ratelimit.url.login.pattern", "/login"),
                Map.entry("ratelimit.url.login.window", "15m"),
                Map.entry("ratelimit.url.login.max", "5"),
                Map.entry("ratelimit.url.login.key", "ip+query:user"),
                Map.entry("ratelimit.url.login.count-on", "401, 403"),
                Map.entry("ratelimit.url.login.unless", "apiKey|bearer"),
                Map.entry("ratelimit.url.exports.kind", " Concurrency "),
                Map.entry("ratelimit.url.exports.pattern", "/export/*"),
                Map.entry("ratelimit.url.exports.max", "2"),
                Map.entry("ratelimit.url.exports.key", "apiKey"),
                Map.entry("ratelimit.url.exports.optional", "TRUE"),
                Map.entry("ratelimit.url.payments.pattern", "/pay/*"),
                Map.entry("ratelimit.url.payments.window", "1h"),
                Map.entry("ratelimit.url.payments.max", "10"),
                Map.entry("ratelimit.url.payments.key", "apiKey"),
                Map.entry("ratelimit.url.payments.idempotency-window", "24h"),
                Map.entry("ratelimit.url.payments.idempotency-header", "X-Request-Id")));

    assertThat(policies.policies(policies.matching("/login", "POST")))
        .containsExactly(
            RateLimitPolicy.of("login", "15m", 5, "ip+query:user")
                .withCountOn("401,403")
                .withUnless("apiKey|bearer"));
    BitSet exports = policies.matching("/export/a", "GET");
    assertThat(policies.policies(exports))
        .containsExactly(RateLimitPolicy.concurrency("exports", 2, "apiKey").withOptional(true));
    assertThat(policies.policies(exports).get(0).window()).isEqualTo(RateLimitPolicy.DEFAULT_LEASE);
    assertThat(policies.idempotency(exports)).isNull();
    assertThat(policies.idempotency(policies.matching("/pay/x", "POST")))
        .isEqualTo(new UrlPolicies.Idempotency(Duration.ofHours(24), "X-Request-Id"));
  }

  @Test
  void aConcurrencyPolicyTakesALeaseAndTheIdempotencyHeaderHasADefault() {
    UrlPolicies policies =
        read(
            Map.of(
                "ratelimit.url.policies", "exports",
                "ratelimit.url.exports.kind", "concurrency",
                "ratelimit.url.exports.pattern", "/export/*",
                "ratelimit.url.exports.max", "2",
                "ratelimit.url.exports.key", "apiKey",
                "ratelimit.url.exports.lease", "90s",
                "ratelimit.url.exports.idempotency-window", "1h"));

    BitSet exports = policies.matching("/export", "PUT");
    assertThat(policies.policies(exports).get(0).window()).isEqualTo(Duration.ofSeconds(90));
    assertThat(policies.idempotency(exports))
        .isEqualTo(new UrlPolicies.Idempotency(Duration.ofHours(1), "Idempotency-Key"));
  }

  /** The first matching policy, in the listed order, that declares idempotent retries wins. */
  @Test
  void theFirstListedIdempotencyOfTheMatchingPoliciesApplies() {
    Map<String, String> config = new HashMap<>(valid());
    config.put("ratelimit.url.policies", "p, q, r");
    config.putAll(
        Map.of(
            "ratelimit.url.q.pattern", "/p/*",
            "ratelimit.url.q.window", "1m",
            "ratelimit.url.q.max", "10",
            "ratelimit.url.q.key", "ip",
            "ratelimit.url.q.idempotency-window", "2h",
            "ratelimit.url.r.pattern", "/p/*",
            "ratelimit.url.r.window", "1m",
            "ratelimit.url.r.max", "10",
            "ratelimit.url.r.key", "ip",
            "ratelimit.url.r.idempotency-window", "3h"));

    UrlPolicies policies = read(config);

    assertThat(policies.idempotency(policies.matching("/p/x", "GET")))
        .isEqualTo(new UrlPolicies.Idempotency(Duration.ofHours(2), "Idempotency-Key"));
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
        "ratelimit.url.p.count-on  | 401;403        | invalid ratelimit.url.p.count-on=\"401;403\":"
            + " \"401;403\" in \"401;403\" is not a status",
        "ratelimit.url.p.count-on  | 6xx            | invalid ratelimit.url.p.count-on=\"6xx\"",
        "ratelimit.url.p.unless    | cookie:s       | invalid ratelimit.url.p.unless=\"cookie:s\"",
        "ratelimit.url.p.unless    | path:id        | invalid ratelimit.url.p.unless=\"path:id\":"
            + " path:id reads a path parameter",
        "ratelimit.url.p.key       | ip+path:id     | invalid ratelimit.url.p.key=\"ip+path:id\"",
        "ratelimit.url.p.optional  | yes            | invalid ratelimit.url.p.optional=\"yes\": use"
            + " true or false",
        "ratelimit.url.p.kind      | inflight       | invalid ratelimit.url.p.kind=\"inflight\":"
            + " use rate",
        "ratelimit.url.p.lease     | 30s            | invalid ratelimit.url.p.lease=\"30s\": only a"
            + " policy of ratelimit.url.p.kind=concurrency has a lease",
        "ratelimit.url.p.idempotency-window | 24x | invalid"
            + " ratelimit.url.p.idempotency-window=\"24x\"",
        "ratelimit.url.p.idempotency-window | 0ms | invalid"
            + " ratelimit.url.p.idempotency-window=\"0ms\": the idempotency window",
        "ratelimit.url.p.idempotency-window | 3661d | invalid"
            + " ratelimit.url.p.idempotency-window=\"3661d\"",
        "ratelimit.url.p.idempotency-header | X-Request-Id | invalid"
            + " ratelimit.url.p.idempotency-header=\"X-Request-Id\": idempotent retries are turned"
            + " on by ratelimit.url.p.idempotency-window",
      })
  void invalidValuesNameTheKey(String key, String value, String message) {
    Map<String, String> config = new HashMap<>(valid());
    config.put(key, value);

    assertThatThrownBy(() -> read(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ratelimit.url.p.max       | 0       | invalid ratelimit.url.p.max=\"0\": max must be",
        "ratelimit.url.p.key       | nobody  | invalid ratelimit.url.p.key=\"nobody\"",
        "ratelimit.url.p.lease     | 1s      | invalid ratelimit.url.p.lease=\"1s\": lease 1s must"
            + " be at least 3s",
        "ratelimit.url.p.lease     | soon    | invalid ratelimit.url.p.lease=\"soon\"",
        "ratelimit.url.p.window    | 1m      | invalid ratelimit.url.p.window=\"1m\": a policy of"
            + " ratelimit.url.p.kind=concurrency counts the requests in flight",
        "ratelimit.url.p.cost      | 1       | invalid ratelimit.url.p.cost=\"1\": a policy of",
        "ratelimit.url.p.algorithm | fixed_window | invalid ratelimit.url.p.algorithm=",
        "ratelimit.url.p.count-on  | 2xx     | invalid ratelimit.url.p.count-on=\"2xx\": a policy",
        "ratelimit.url.p.unless    | +       | invalid ratelimit.url.p.unless=\"+\"",
        "ratelimit.url.p.idempotency-header | a b | invalid"
            + " ratelimit.url.p.idempotency-header=\"a b\": the idempotency header",
      })
  void invalidValuesOfAConcurrencyPolicyNameTheKey(String key, String value, String message) {
    Map<String, String> config = new HashMap<>(valid());
    config.remove("ratelimit.url.p.window");
    config.put("ratelimit.url.p.kind", "concurrency");
    config.put("ratelimit.url.p.idempotency-window", "1h");
    config.put(key, value);

    assertThatThrownBy(() -> read(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aConcurrencyPolicyNeedsNoWindowButARateLimitDoes() {
    Map<String, String> config = new HashMap<>(valid());
    config.remove("ratelimit.url.p.window");

    assertThatThrownBy(() -> read(config))
        .hasMessageContaining("ratelimit.url.p.window is missing")
        .hasMessageContaining("a rate limit (the default .kind) needs .window");
    config.put("ratelimit.url.p.kind", "concurrency");
    assertThat(read(config).isEmpty()).isFalse();
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
