/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo;

import static dev.limiter.demo.TestDemo.limiterFieldLines;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.http.HeaderDialect;
import dev.limiter.testing.RawHttp;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code --headers x|ietf|draft6|both|none}: one demo server per dialect, each checked through both
 * adapters, field by field and in wire order, for an allowed request, a rejected one and a browser
 * request. Every server's clock stands still at {@link TestDemo#START}, a whole minute, so a
 * one-minute limit's quota is back in exactly 61.2 seconds (the window and one 1.2 s sub-window),
 * rounded up to 62.
 */
class HeaderDialectsTest {

  private static final long RESET = TestDemo.START.getEpochSecond() + 62;
  private static final Map<HeaderDialect, TestDemo> SERVERS = new EnumMap<>(HeaderDialect.class);

  @BeforeAll
  static void start() throws Exception {
    for (HeaderDialect dialect : HeaderDialect.values()) {
      SERVERS.put(dialect, TestDemo.start("--headers", dialect.name().toLowerCase(Locale.ROOT)));
    }
  }

  @AfterAll
  static void stop() {
    SERVERS.values().forEach(TestDemo::close);
  }

  @ParameterizedTest
  @EnumSource(HeaderDialect.class)
  void bothAdaptersSendTheDialectsFields(HeaderDialect dialect) throws Exception {
    TestDemo demo = SERVERS.get(dialect);
    String origin = "Origin: https://app.example\r\n";
    String[][] endpoints = {
      {"hello", "GET /api/hello HTTP/1.1\r\nX-API-Key: dialect-1\r\n"},
      {"ping", "GET /servlet/ping HTTP/1.1\r\n"},
    };
    for (String[] endpoint : endpoints) {
      String policy = endpoint[0];
      String head = endpoint[1];

      RawHttp.Reply first = demo.raw(head);
      assertThat(first.status()).isEqualTo(200);
      assertThat(limiterFieldLines(first))
          .as(policy)
          .isEqualTo(expected(dialect, policy, 4, false, false));

      RawHttp.Reply browser = demo.raw(head + origin);
      assertThat(limiterFieldLines(browser))
          .as(policy)
          .isEqualTo(expected(dialect, policy, 3, false, true));

      demo.raw(head);
      demo.raw(head);
      demo.raw(head);
      RawHttp.Reply rejected = demo.raw(head);
      assertThat(rejected.status()).isEqualTo(429);
      assertThat(rejected.values("Cache-Control")).containsExactly("no-store");
      assertThat(rejected.body()).isEqualTo(TestDemo.rateLimitedBody(policy, 5, 62, policy));
      assertThat(limiterFieldLines(rejected))
          .as(policy)
          .isEqualTo(expected(dialect, policy, 0, true, false));

      RawHttp.Reply rejectedBrowser = demo.raw(head + origin);
      assertThat(limiterFieldLines(rejectedBrowser))
          .as(policy)
          .isEqualTo(expected(dialect, policy, 0, true, true));
    }
  }

  /** The fields a dialect sends for a 5-per-minute policy, as {@code Name: value} in wire order. */
  private static List<String> expected(
      HeaderDialect dialect, String policy, long remaining, boolean rejected, boolean browser) {
    List<String> fields = new ArrayList<>();
    List<String> names = new ArrayList<>();
    if (dialect == HeaderDialect.X || dialect == HeaderDialect.BOTH) {
      add(fields, names, "X-RateLimit-Limit", "5");
      add(fields, names, "X-RateLimit-Remaining", Long.toString(remaining));
      add(fields, names, "X-RateLimit-Reset", Long.toString(RESET));
      add(fields, names, "X-RateLimit-Policy", policy);
    }
    if (dialect == HeaderDialect.IETF || dialect == HeaderDialect.BOTH) {
      add(fields, names, "RateLimit-Policy", "\"" + policy + "\";q=5;w=60");
      add(fields, names, "RateLimit", "\"" + policy + "\";r=" + remaining + ";t=62");
    }
    if (dialect == HeaderDialect.DRAFT6) {
      add(fields, names, "RateLimit-Limit", "5");
      add(fields, names, "RateLimit-Remaining", Long.toString(remaining));
      add(fields, names, "RateLimit-Reset", "62");
    }
    if (rejected) {
      add(fields, names, "Retry-After", "62");
    }
    if (browser && dialect != HeaderDialect.NONE) {
      fields.add("Access-Control-Expose-Headers: " + String.join(", ", names));
    }
    return fields;
  }

  private static void add(List<String> fields, List<String> names, String name, String value) {
    fields.add(name + ": " + value);
    names.add(name);
  }
}
