/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.limiter.testing.CampaignReport;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Random and adversarial strings against the parsers: windows, key expressions and the policy
 * overrides of the configuration. Each either parses to a valid value or throws {@link
 * IllegalArgumentException} with a message saying what is wrong, never anything else, and quickly;
 * a key that resolves is never empty, and two different requests never share a key. Part of the
 * campaign in RELIABILITY.md; {@code -Preliability} runs more tries.
 */
class ParserPropertiesTest {

  private static final AtomicLong TRIES = new AtomicLong();

  @AfterContainer
  static void report() {
    CampaignReport.of("properties")
        .with("class", "ParserPropertiesTest")
        .with("tries", TRIES.get())
        .with("failures", 0)
        .write();
  }

  /**
   * Longer than this for one parse of a short string would be a hang in disguise (a loop that does
   * not advance). Not a speed check: a GC pause or a busy 2-core machine took one parse to 245 ms
   * against an earlier bound of 200 ms, so the bound sits far above any pause.
   */
  private static final long SLOW_NANOS = Duration.ofSeconds(5).toNanos();

  private static final ClientAddress PEER = ClientAddress.of("", "X-Forwarded-For", 128);

  /** Strings biased toward what the parsers look at, with control characters and surrogates. */
  private static Arbitrary<String> adversarial(String... fragments) {
    Arbitrary<String> pieces =
        Arbitraries.oneOf(
            Arbitraries.of(fragments),
            Arbitraries.strings().ofMaxLength(6),
            Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMaxLength(3),
            Arbitraries.strings().withCharRange('\ud800', '\udfff').ofMaxLength(2),
            Arbitraries.strings().numeric().ofMaxLength(25));
    return pieces.list().ofMaxSize(12).map(list -> String.join("", list));
  }

  @Provide
  Arbitrary<String> windows() {
    return adversarial(
        "1",
        "60",
        "250",
        "ms",
        "s",
        "m",
        "h",
        "d",
        "x",
        " ",
        "-",
        "+",
        "0",
        "9".repeat(20),
        "\u0661",
        "\uff11",
        "1.5",
        "e3",
        "h1");
  }

  @Property
  void aWindowParsesOrSaysWhy(@ForAll("windows") String text) {
    TRIES.incrementAndGet();
    long start = System.nanoTime();
    Throwable thrown =
        catchThrowable(
            () -> {
              Duration window =
                  RateLimitPolicy.of("p", text, 1, "ip").window(); // parsed, then range-checked
              assertThat(window).isBetween(Duration.ofMillis(1), Duration.ofDays(3660));
              assertThat(RateLimitPolicy.parseWindow(Windows.format(window))).isEqualTo(window);
            });
    assertThat(System.nanoTime() - start).isLessThan(SLOW_NANOS);
    if (thrown != null) {
      assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
      assertThat(thrown.getMessage()).isNotBlank().contains("window");
    }
  }

  @Provide
  Arbitrary<String> expressions() {
    return adversarial(
        "ip",
        "apiKey",
        "principal",
        "global",
        "header:",
        "query:",
        "path:",
        "X-Tenant",
        "to",
        "+",
        "|",
        " ",
        ":",
        "header",
        "ip|",
        "|ip",
        "++",
        "\t");
  }

  @Property
  void aKeyExpressionParsesOrSaysWhy(@ForAll("expressions") String text) {
    TRIES.incrementAndGet();
    long start = System.nanoTime();
    Throwable thrown = catchThrowable(() -> KeyExpression.parse(text));
    assertThat(System.nanoTime() - start).isLessThan(SLOW_NANOS);
    if (thrown != null) {
      assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
      assertThat(thrown.getMessage())
          .isNotBlank()
          .containsAnyOf("key part", "key must not be empty");
    }
  }

  /** Values a client sends: anything, with the characters keys escape or join on. */
  @Provide
  Arbitrary<String> values() {
    return adversarial(
        "+",
        "=",
        "\\",
        "|",
        "a",
        "b",
        "ip=",
        "header:X-B=",
        "\\+",
        "=sha256:",
        "==",
        "k".repeat(70),
        "\u4e00".repeat(40));
  }

  @Provide
  Arbitrary<String> combined() {
    return Arbitraries.of(
        "header:A+header:B",
        "header:A|header:B",
        "header:A|ip",
        "header:A+query:q",
        "apiKey+header:A|header:B",
        "header:A|header:B+header:B|header:A");
  }

  /**
   * Two requests get the same key only when every term of the expression read the same alternative
   * and the same value: a value can never pose as another part, another alternative or another
   * split of the same parts, and a key that resolves is never empty.
   */
  @Property
  void differentRequestsNeverShareAKey(
      @ForAll("combined") String expression,
      @ForAll("values") String a1,
      @ForAll("values") String b1,
      @ForAll("values") String q1,
      @ForAll("values") String a2,
      @ForAll("values") String b2,
      @ForAll("values") String q2,
      @ForAll("absentOrNot") int absent) {
    TRIES.incrementAndGet();
    KeyExpression parsed = KeyExpression.parse(expression);
    TestRequest first = request(absent % 2 == 0 ? a1 : null, b1, q1);
    TestRequest second = request(absent / 2 % 2 == 0 ? a2 : null, b2, q2);
    String key1 = parsed.resolve(first, "X-API-Key", PEER);
    String key2 = parsed.resolve(second, "X-API-Key", PEER);
    assertThat(key1 == null).isEqualTo(observe(expression, first) == null);
    if (key1 != null) {
      assertThat(key1).isNotEmpty().doesNotStartWith("=");
      assertThat(RateLimiter.digest(key1)).startsWith("=").hasSize(44);
    }
    if (key1 != null && key1.equals(key2)) {
      assertThat(observe(expression, first))
          .as("key %s of %s", key1, expression)
          .isEqualTo(observe(expression, second));
    }
  }

  @Provide
  Arbitrary<Integer> absentOrNot() {
    return Arbitraries.integers().between(0, 3);
  }

  private static TestRequest request(String a, String b, String q) {
    TestRequest request = TestRequest.from("192.0.2.1").header("X-API-Key", "k");
    if (a != null) {
      request.header("A", a);
    }
    return request.header("B", b).query("q", q);
  }

  /**
   * What each term reads, by a model of its own: the index of the first alternative present and its
   * value; null when a term has none.
   */
  private static List<String> observe(String expression, TestRequest request) {
    List<String> seen = new java.util.ArrayList<>();
    for (String term : expression.split("\\+", -1)) {
      String[] alternatives = term.split("\\|", -1);
      String found = null;
      for (int i = 0; i < alternatives.length && found == null; i++) {
        String part = alternatives[i].strip();
        String value =
            switch (part) {
              case "ip" -> request.remoteAddress();
              case "apiKey" -> request.header("X-API-Key");
              case "header:A" -> request.header("A");
              case "header:B" -> request.header("B");
              case "query:q" -> request.queryParameter("q");
              default -> throw new IllegalArgumentException(part);
            };
        if (value != null && !value.isEmpty()) {
          found = i + "=" + value;
        }
      }
      if (found == null) {
        return null;
      }
      seen.add(found);
    }
    return seen;
  }

  @Provide
  Arbitrary<Map<String, String>> overrides() {
    Arbitrary<String> key =
        Arbitraries.of(
            "ratelimit.p.max", "ratelimit.p.window", "RATELIMIT_P_MAX", "RATELIMIT_P_WINDOW");
    Arbitrary<String> value =
        adversarial(
            "0",
            "1",
            "-1",
            "10",
            "2147483647",
            "2147483648",
            "9".repeat(30),
            "1m",
            "60x",
            "0ms",
            " ",
            "1h ",
            "\u0000",
            "1e3",
            "0x10");
    return Combinators.combine(key, value)
        .as(Map::entry)
        .list()
        .ofMaxSize(4)
        .map(
            entries -> {
              Map<String, String> map = new HashMap<>();
              entries.forEach(e -> map.put(e.getKey(), e.getValue()));
              return map;
            });
  }

  /**
   * An override either applies and leaves a valid policy, or fails naming the key, the value and
   * where it came from.
   */
  @Property
  void anOverrideAppliesOrNamesItsKeyValueAndSource(
      @ForAll("overrides") Map<String, String> settings) {
    TRIES.incrementAndGet();
    Map<String, String> system = new HashMap<>();
    Map<String, String> environment = new HashMap<>();
    settings.forEach((k, v) -> (k.startsWith("RATELIMIT_") ? environment : system).put(k, v));
    RateLimitConfig config =
        RateLimitConfig.builder().environment(environment).systemProperties(system).build();
    try (RateLimiter limiter =
        RateLimiter.builder().store(new MapStore(Clock.system())).config(config).build()) {
      Throwable thrown =
          catchThrowable(
              () -> {
                RateLimitPolicy policy =
                    limiter
                        .limits(List.of(RateLimitPolicy.of("p", "1m", 10, "apiKey")))
                        .policies()
                        .get(0);
                assertThat(policy.max()).isBetween(1L, (long) Integer.MAX_VALUE);
                assertThat(policy.window()).isPositive();
              });
      if (thrown != null) {
        assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
        assertThat(thrown.getMessage())
            .startsWith("Invalid override ratelimit.p.")
            .containsAnyOf(
                "(from system property ratelimit.p.", "(from environment variable RATELIMIT_P_");
      }
    }
  }
}
