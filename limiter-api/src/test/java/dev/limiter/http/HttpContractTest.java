/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.Decision;
import dev.limiter.LimitKind;
import dev.limiter.LimitStatus;
import dev.limiter.MissingKey;
import dev.limiter.RateLimitConfig;
import dev.limiter.StoreUnavailable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Golden tests: every byte the contract emits, per dialect, for the endpoint of the design ({@code
 * search-burst} 2 per 1s and {@code search} 120 per 1m on one method).
 */
class HttpContractTest {

  /** 2023-11-14T22:13:20.250Z: a decision a quarter second into a second. */
  static final long NOW = 1_700_000_000_250_000_000L;

  static final long MS = 1_000_000L;
  static final long S = 1_000_000_000L;

  /** One request admitted: the burst limit has 1 left and is reported (fewest remaining). */
  static final Decision ADMITTED =
      Decision.of(
          true,
          List.of(
              new LimitStatus("search-burst", 2, 1 * S, 1, 1 * S, 0, true),
              new LimitStatus("search", 120, 60 * S, 119, 60 * S, 0, true)),
          NOW);

  /**
   * Both limits reject; {@code search} waits longest (41.5 s) and is reported. {@code daily}
   * admitted and is not among the violated policies.
   */
  static final Decision REJECTED =
      Decision.of(
          false,
          List.of(
              new LimitStatus("search-burst", 2, 1 * S, 0, 800 * MS, 300 * MS, false),
              new LimitStatus("search", 120, 60 * S, 0, 41_500 * MS, 41_500 * MS, false),
              new LimitStatus("daily", 1000, 86_400 * S, 900, 3_600 * S, 0, true)),
          NOW);

  static final String REJECTED_BODY =
      "{\"type\":\"https://limiter.dev/problems/rate-limited\",\"title\":\"Too Many Requests\","
          + "\"status\":429,\"detail\":\"Rate limit 'search' exceeded; retry in 42 seconds.\","
          + "\"policy\":\"search\",\"limit\":120,\"retry_after\":42,"
          + "\"violated_policies\":[\"search-burst\",\"search\"]}";

  static HttpContract contract(HeaderDialect dialect) {
    return HttpContract.of(dialect, RejectionHandler.problemJson());
  }

  /**
   * Renders a response as it goes on the wire, so a golden string pins every byte and the order.
   */
  static String wire(RateLimitResponse response) {
    StringBuilder out =
        new StringBuilder(response.proceed() ? "proceed\n" : response.status() + "\n");
    response
        .headers()
        .forEach((name, value) -> out.append(name).append(": ").append(value).append('\n'));
    if (!response.proceed()) {
      out.append("Content-Type: ")
          .append(response.contentType())
          .append("\n\n")
          .append(response.body());
    }
    return out.toString();
  }

  @Test
  void xDialectDescribesTheLimitClosestToRejecting() {
    assertThat(wire(contract(HeaderDialect.X).respond(ADMITTED, false)))
        .isEqualTo(
            """
            proceed
            X-RateLimit-Limit: 2
            X-RateLimit-Remaining: 1
            X-RateLimit-Reset: 1700000002
            X-RateLimit-Policy: search-burst
            """);
  }

  @Test
  void ietfDialectListsEveryPolicyAndReportsTheClosest() {
    assertThat(wire(contract(HeaderDialect.IETF).respond(ADMITTED, false)))
        .isEqualTo(
            """
            proceed
            RateLimit-Policy: "search-burst";q=2;w=1, "search";q=120;w=60
            RateLimit: "search-burst";r=1;t=2
            """);
  }

  @Test
  void aLimitOnRequestsInFlightIsAConcurrentRequestsQuotaWithoutWindow() {
    Decision full =
        Decision.of(
            false,
            List.of(
                new LimitStatus("runs-hourly", 100, 3_600 * S, 97, 3_000 * S, 0, true),
                new LimitStatus(
                    "runs",
                    2,
                    30 * S,
                    0,
                    LimitStatus.CONCURRENCY_RETRY_NANOS,
                    LimitStatus.CONCURRENCY_RETRY_NANOS,
                    false,
                    LimitKind.CONCURRENCY)),
            NOW);
    String wire = wire(contract(HeaderDialect.IETF).respond(full, false));
    assertThat(wire)
        .contains(
            "RateLimit-Policy: \"runs-hourly\";q=100;w=3600,"
                + " \"runs\";q=2;qu=\"concurrent-requests\"")
        .contains("RateLimit: \"runs\";r=0;t=2") // one second from a quarter into one
        .contains("Retry-After: 1");
  }

  @Test
  void anExemptDecisionCarriesNoField() {
    for (HeaderDialect dialect : HeaderDialect.values()) {
      assertThat(wire(contract(dialect).respond(Decision.exempt(NOW), true)))
          .as(dialect.name())
          .isEqualTo("proceed\n");
    }
  }

  @Test
  void draft6DialectGivesResetInSecondsFromNow() {
    assertThat(wire(contract(HeaderDialect.DRAFT6).respond(ADMITTED, false)))
        .isEqualTo(
            """
            proceed
            RateLimit-Limit: 2
            RateLimit-Remaining: 1
            RateLimit-Reset: 2
            """);
  }

  @Test
  void bothDialectIsXThenIetf() {
    assertThat(wire(contract(HeaderDialect.BOTH).respond(ADMITTED, false)))
        .isEqualTo(
            """
            proceed
            X-RateLimit-Limit: 2
            X-RateLimit-Remaining: 1
            X-RateLimit-Reset: 1700000002
            X-RateLimit-Policy: search-burst
            RateLimit-Policy: "search-burst";q=2;w=1, "search";q=120;w=60
            RateLimit: "search-burst";r=1;t=2
            """);
  }

  @Test
  void noneDialectSendsNoRateLimitFieldsAndExposesNothing() {
    RateLimitResponse response = contract(HeaderDialect.NONE).respond(ADMITTED, true);

    assertThat(response.proceed()).isTrue();
    assertThat(response.headers()).isEmpty();
  }

  @Test
  void rejectionReportsTheLongestWaitAndListsEveryViolatedPolicy() {
    assertThat(wire(contract(HeaderDialect.X).respond(REJECTED, false)))
        .isEqualTo(
            """
            429
            X-RateLimit-Limit: 120
            X-RateLimit-Remaining: 0
            X-RateLimit-Reset: 1700000042
            X-RateLimit-Policy: search
            Retry-After: 42
            Cache-Control: no-store
            Content-Type: application/problem+json

            """
                + REJECTED_BODY);
  }

  @Test
  void ietfRejectionMatchesTheDesignExample() {
    assertThat(wire(contract(HeaderDialect.IETF).respond(REJECTED, false)))
        .isEqualTo(
            """
            429
            RateLimit-Policy: "search-burst";q=2;w=1, "search";q=120;w=60, "daily";q=1000;w=86400
            RateLimit: "search";r=0;t=42
            Retry-After: 42
            Cache-Control: no-store
            Content-Type: application/problem+json

            """
                + REJECTED_BODY);
  }

  @Test
  void draft6AndBothRejections() {
    assertThat(wire(contract(HeaderDialect.DRAFT6).respond(REJECTED, false)))
        .startsWith(
            """
            429
            RateLimit-Limit: 120
            RateLimit-Remaining: 0
            RateLimit-Reset: 42
            Retry-After: 42
            Cache-Control: no-store
            Content-Type: application/problem+json
            """);
    assertThat(contract(HeaderDialect.BOTH).respond(REJECTED, false).headers().keySet())
        .containsExactly(
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
            "X-RateLimit-Policy",
            "RateLimit-Policy",
            "RateLimit",
            "Retry-After",
            "Cache-Control");
  }

  @Test
  void noneDialectRejectionStillCarriesRetryAfter() {
    assertThat(wire(contract(HeaderDialect.NONE).respond(REJECTED, true)))
        .isEqualTo(
            """
            429
            Retry-After: 42
            Cache-Control: no-store
            Content-Type: application/problem+json

            """
                + REJECTED_BODY);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          X      | X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-RateLimit-Policy
          IETF   | RateLimit-Policy, RateLimit
          DRAFT6 | RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset
          BOTH   | X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-RateLimit-Policy, RateLimit-Policy, RateLimit
          """)
  void browserRequestsGetTheRateLimitFieldsExposed(HeaderDialect dialect, String exposed) {
    HttpContract contract = contract(dialect);

    RateLimitResponse admitted = contract.respond(ADMITTED, true);
    RateLimitResponse rejected = contract.respond(REJECTED, true);

    assertThat(admitted.headers()).containsEntry("Access-Control-Expose-Headers", exposed);
    assertThat(rejected.headers())
        .containsEntry("Access-Control-Expose-Headers", exposed + ", Retry-After");
    assertThat(List.copyOf(rejected.headers().keySet()))
        .last()
        .isEqualTo("Access-Control-Expose-Headers");
    assertThat(contract.respond(ADMITTED, false).headers())
        .doesNotContainKey("Access-Control-Expose-Headers");
    assertThat(admitted.headers().keySet())
        .containsExactlyElementsOf(
            List.of((exposed + ", Access-Control-Expose-Headers").split(", ")));
  }

  @Test
  void browserRejectionGolden() {
    assertThat(wire(contract(HeaderDialect.X).respond(REJECTED, true)))
        .isEqualTo(
            """
            429
            X-RateLimit-Limit: 120
            X-RateLimit-Remaining: 0
            X-RateLimit-Reset: 1700000042
            X-RateLimit-Policy: search
            Retry-After: 42
            Cache-Control: no-store
            Access-Control-Expose-Headers: X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-RateLimit-Policy, Retry-After
            Content-Type: application/problem+json

            """
                + REJECTED_BODY);
  }

  @ParameterizedTest(name = "window {0} ns -> w={1}")
  @CsvSource({
    "1000000,        1", // 1ms, the smallest window
    "500000000,      1", // 500ms
    "999999999,      1",
    "1000000000,     1",
    "1000000001,     2",
    "1500000000,     2",
    "60000000000,    60",
    "86400000000000, 86400",
  })
  void windowIsWholeSecondsRoundedUpAtLeastOne(long windowNanos, long w) {
    Decision decision =
        Decision.of(
            true, List.of(new LimitStatus("p", 5, windowNanos, 4, windowNanos, 0, true)), NOW);

    assertThat(contract(HeaderDialect.IETF).respond(decision, false).headers())
        .containsEntry("RateLimit-Policy", "\"p\";q=5;w=" + w);
  }

  @ParameterizedTest(name = "epoch {0} + reset {1} -> {2}, t={3}")
  @CsvSource({
    // whole-second epoch, whole-second reset: nothing to round
    "1700000000000000000, 0,           1700000000, 0",
    "1700000000000000000, 42000000000, 1700000042, 42",
    // one nanosecond past a second rounds up, never early
    "1700000000000000000, 42000000001, 1700000043, 43",
    "1700000000000000001, 42000000000, 1700000043, 43",
    // a fractional epoch: t counts from the decision's whole second, to the same instant
    "1700000000250000000, 0,           1700000001, 1",
    "1700000000250000000, 750000000,   1700000001, 1",
    "1700000000250000000, 750000001,   1700000002, 2",
    "1700000000999999999, 1,           1700000001, 1",
    "1700000000999999999, 2,           1700000002, 2",
    // the largest window (3660 days) at a far epoch does not overflow
    "9000000000000000000, 316224000000000000, 9316224000, 316224000",
  })
  void resetRoundsUpToTheSameInstantInEveryDialect(
      long epochNanos, long resetAfterNanos, long reset, long t) {
    Decision decision =
        Decision.of(
            true,
            List.of(new LimitStatus("p", 10, 316_224_000L * S, 3, resetAfterNanos, 0, true)),
            epochNanos);

    assertThat(contract(HeaderDialect.X).respond(decision, false).headers())
        .containsEntry("X-RateLimit-Reset", Long.toString(reset));
    assertThat(contract(HeaderDialect.IETF).respond(decision, false).headers())
        .containsEntry("RateLimit", "\"p\";r=3;t=" + t);
    assertThat(contract(HeaderDialect.DRAFT6).respond(decision, false).headers())
        .containsEntry("RateLimit-Reset", Long.toString(t));
  }

  @ParameterizedTest(name = "wait {0} ns -> Retry-After {1}")
  @CsvSource({
    "0,          1", // a rejecting limit always makes the client wait
    "1,          1",
    "200000000,  1", // 0.2 s
    "999999999,  1",
    "1000000000, 1", // 1.0 s
    "1000000001, 2", // 1.000000001 s
    "41500000000, 42",
  })
  void retryAfterIsWholeSecondsRoundedUpNeverZero(long retryAfterNanos, long seconds) {
    Decision decision =
        Decision.of(
            false,
            List.of(new LimitStatus("p", 10, 60 * S, 0, 60 * S, retryAfterNanos, false)),
            NOW);

    RateLimitResponse response = contract(HeaderDialect.X).respond(decision, false);

    assertThat(response.headers()).containsEntry("Retry-After", Long.toString(seconds));
    assertThat(response.body())
        .contains(",\"retry_after\":" + seconds + ",")
        .contains("retry in " + seconds + (seconds == 1 ? " second." : " seconds."));
    assertThat(decision.retryAfterSeconds()).isEqualTo(seconds);
  }

  /** A handler that writes the wait it is given into its body. */
  private static final RejectionHandler SAYS_THE_WAIT =
      new RejectionHandler() {
        @Override
        public Rejection rejected(Decision decision) {
          return new Rejection(429, "text/plain", Long.toString(decision.retryAfterSeconds()));
        }

        @Override
        public Rejection missingKey(MissingKey missing) {
          return RejectionHandler.problemJson().missingKey(missing);
        }

        @Override
        public Rejection unavailable(StoreUnavailable unavailable) {
          return new Rejection(503, "text/plain", Long.toString(unavailable.retryAfterSeconds()));
        }
      };

  @ParameterizedTest(name = "wait {0} ns")
  @CsvSource({"1", "200000000", "999999999", "1000000001", "1500000000", "41500000000"})
  void aCustomHandlerGetsTheSecondsOfTheRetryAfterField(long retryAfterNanos) {
    Decision decision =
        Decision.of(
            false,
            List.of(
                new LimitStatus("burst", 2, 1 * S, 0, 1 * S, retryAfterNanos / 3, false),
                new LimitStatus("p", 10, 60 * S, 0, 60 * S, retryAfterNanos, false)),
            NOW);
    StoreUnavailable unavailable = new StoreUnavailable("p", Duration.ofNanos(retryAfterNanos));
    HttpContract contract = HttpContract.of(HeaderDialect.BOTH, SAYS_THE_WAIT);

    RateLimitResponse rejected = contract.respond(decision, true);
    RateLimitResponse refused = contract.respond(unavailable, true);

    assertThat(rejected.body()).isEqualTo(rejected.headers().get("Retry-After"));
    assertThat(refused.body()).isEqualTo(refused.headers().get("Retry-After"));
    assertThat(rejected.body()).isEqualTo(refused.body());
  }

  @Test
  void anAdmittedDecisionHasNoWait() {
    assertThat(ADMITTED.retryAfterSeconds()).isZero();
    assertThat(ADMITTED.retryAfter()).isZero();
  }

  @Test
  void theWaitOfAnUnavailableStoreIsRoundedUpWithoutOverflow() {
    assertThat(new StoreUnavailable("p", Duration.ofSeconds(3)).retryAfterSeconds()).isEqualTo(3);
    assertThat(new StoreUnavailable("p", Duration.ofMillis(2001)).retryAfterSeconds()).isEqualTo(3);
    assertThat(new StoreUnavailable("p", Duration.ofNanos(1)).retryAfterSeconds()).isEqualTo(1);
    assertThat(
            new StoreUnavailable("p", Duration.ofSeconds(Long.MAX_VALUE, 999_999_999))
                .retryAfterSeconds())
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void remainingCanBeAboveZeroOnARejection() {
    // a request costing 3 with 1 unit left
    Decision decision =
        Decision.of(
            false, List.of(new LimitStatus("upload", 10, 60 * S, 1, 54 * S, 6 * S, false)), 5 * S);

    assertThat(wire(contract(HeaderDialect.X).respond(decision, false)))
        .startsWith(
            """
            429
            X-RateLimit-Limit: 10
            X-RateLimit-Remaining: 1
            X-RateLimit-Reset: 59
            X-RateLimit-Policy: upload
            Retry-After: 6
            """);
  }

  @Test
  void customHandlerReplacesStatusAndBodyButNotTheHeaders() {
    RejectionHandler plain =
        new RejectionHandler() {
          @Override
          public Rejection rejected(Decision decision) {
            return new Rejection(
                503, "text/plain;charset=UTF-8", "Slow down, " + decision.policy());
          }

          @Override
          public Rejection missingKey(MissingKey missing) {
            return new Rejection(403, "text/plain;charset=UTF-8", "Who are you?");
          }
        };
    HttpContract contract = HttpContract.of(HeaderDialect.X, plain);

    assertThat(wire(contract.respond(REJECTED, true)))
        .isEqualTo(
            """
            503
            X-RateLimit-Limit: 120
            X-RateLimit-Remaining: 0
            X-RateLimit-Reset: 1700000042
            X-RateLimit-Policy: search
            Retry-After: 42
            Cache-Control: no-store
            Access-Control-Expose-Headers: X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-RateLimit-Policy, Retry-After
            Content-Type: text/plain;charset=UTF-8

            Slow down, search\
            """);
    assertThat(
            wire(contract.respond(new MissingKey("search", "an authenticated user", true), false)))
        .isEqualTo(
            """
            403
            Cache-Control: no-store
            Content-Type: text/plain;charset=UTF-8

            Who are you?\
            """);
    assertThat(contract.respond(ADMITTED, false).headers()).hasSize(4);
  }

  @Test
  void aHandlerThatReturnsNullIsNamed() {
    RejectionHandler broken =
        new RejectionHandler() {
          @Override
          public Rejection rejected(Decision decision) {
            return null;
          }

          @Override
          public Rejection missingKey(MissingKey missing) {
            return null;
          }
        };
    HttpContract contract = HttpContract.of(HeaderDialect.X, broken);

    assertThatThrownBy(() -> contract.respond(REJECTED, false))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("RejectionHandler.rejected returned null");
    assertThatThrownBy(() -> contract.respond(new MissingKey("p", "header X", false), false))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("RejectionHandler.missingKey returned null");
  }

  @Test
  void missingKey400() {
    MissingKey missing =
        new MissingKey("per-tenant", "header X-Tenant or query parameter tenant", false);

    assertThat(wire(contract(HeaderDialect.BOTH).respond(missing, true)))
        .isEqualTo(
            """
            400
            Cache-Control: no-store
            Content-Type: application/problem+json

            {"type":"https://limiter.dev/problems/missing-key","title":"Bad Request","status":400,\
            "detail":"The request lacks header X-Tenant or query parameter tenant, which rate limit\
             'per-tenant' is keyed on.","policy":"per-tenant"}\
            """);
  }

  @Test
  void missingKey401() {
    MissingKey missing = new MissingKey("search", "an API key in header X-API-Key", true);

    assertThat(wire(contract(HeaderDialect.X).respond(missing, false)))
        .isEqualTo(
            """
            401
            Cache-Control: no-store
            Content-Type: application/problem+json

            {"type":"https://limiter.dev/problems/missing-credentials","title":"Unauthorized",\
            "status":401,"detail":"The request lacks an API key in header X-API-Key, which rate\
             limit 'search' is keyed on.","policy":"search"}\
            """);
  }

  @Test
  void storeUnavailableIs503WithRetryAfter() {
    StoreUnavailable unavailable = new StoreUnavailable("search", Duration.ofMillis(2500));

    assertThat(wire(contract(HeaderDialect.BOTH).respond(unavailable, true)))
        .isEqualTo(
            """
            503
            Retry-After: 3
            Cache-Control: no-store
            Access-Control-Expose-Headers: Retry-After
            Content-Type: application/problem+json

            {"type":"https://limiter.dev/problems/limiter-unavailable","title":"Service Unavailable",\
            "status":503,"detail":"Rate limit 'search' cannot be checked right now; retry in 3\
             seconds.","policy":"search","retry_after":3}\
            """);
    assertThat(contract(HeaderDialect.NONE).respond(unavailable, true).headers())
        .containsExactly(Map.entry("Retry-After", "3"), Map.entry("Cache-Control", "no-store"));
  }

  @Test
  void bodiesAreEscapedToAscii() {
    MissingKey missing = new MissingKey("p", "header \"Café\"\\\n\u2028\uD83D\uDE00", false);

    String body = contract(HeaderDialect.X).respond(missing, false).body();

    assertThat(body)
        .contains(
            "\"detail\":\"The request lacks header"
                + " \\\"Caf\\u00e9\\\"\\\\\\u000a\\u2028\\ud83d\\ude00, which rate limit 'p' is"
                + " keyed on.\"");
    assertThat(body.getBytes(StandardCharsets.UTF_8))
        .isEqualTo(body.getBytes(StandardCharsets.ISO_8859_1))
        .isEqualTo(body.getBytes(StandardCharsets.US_ASCII));
    assertThat(REJECTED_BODY).isEqualTo(contract(HeaderDialect.X).respond(REJECTED, false).body());
  }

  @Test
  void policyNamesAreQuotedAsStructuredFieldStrings() {
    Decision decision =
        Decision.of(true, List.of(new LimitStatus("a\"b\\c", 3, 1 * S, 2, 1 * S, 0, true)), 0);

    assertThat(contract(HeaderDialect.IETF).respond(decision, false).headers())
        .containsExactly(
            Map.entry("RateLimit-Policy", "\"a\\\"b\\\\c\";q=3;w=1"),
            Map.entry("RateLimit", "\"a\\\"b\\\\c\";r=2;t=1"));
  }

  @ParameterizedTest
  @EnumSource(
      value = HeaderDialect.class,
      names = {"X", "IETF", "BOTH"})
  void aPolicyNameCannotSmuggleAHeader(HeaderDialect dialect) {
    Decision decision =
        Decision.of(
            true, List.of(new LimitStatus("p\r\nSet-Cookie: a=b", 3, 1 * S, 2, 1 * S, 0, true)), 0);

    assertThatThrownBy(() -> contract(dialect).respond(decision, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"p\\u000d\\u000aSet-Cookie: a=b\"")
        .hasMessageNotContaining("\r");
  }

  @Test
  void fromConfigurationDefaultsToX() {
    HttpContract contract = HttpContract.from(config(Map.of()));

    assertThat(contract.dialect()).isEqualTo(HeaderDialect.X);
    assertThat(wire(contract.respond(REJECTED, false)))
        .isEqualTo(wire(contract(HeaderDialect.X).respond(REJECTED, false)));
  }

  @Test
  void fromConfigurationReadsRatelimitHeaders() {
    assertThat(HttpContract.from(config(Map.of("ratelimit.headers", " IETF "))).dialect())
        .isEqualTo(HeaderDialect.IETF);
  }

  @Test
  void fromConfigurationNamesTheKeyOfAnInvalidDialect() {
    assertThatThrownBy(() -> HttpContract.from(config(Map.of("ratelimit.headers", "rfc"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid configuration ratelimit.headers=\"rfc\" (from code):"
                + " header dialect \"rfc\" is not one of x, ietf, draft6, both or none"
                + " (case-insensitive)");
  }

  @Test
  void describesItself() {
    assertThat(contract(HeaderDialect.DRAFT6))
        .hasToString("HttpContract[dialect=DRAFT6, handler=RejectionHandler.problemJson()]");
  }

  private static RateLimitConfig config(Map<String, String> values) {
    RateLimitConfig.Builder builder =
        RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of());
    values.forEach(builder::set);
    return builder.build();
  }

  @Test
  void aPolicyNameThatCouldSplitAHeaderIsRefusedInEveryDialect() {
    Decision hostile =
        Decision.of(
            true, List.of(new LimitStatus("p\r\nSet-Cookie: a=b", 5, S, 4, S, 0, true)), NOW);
    for (HeaderDialect dialect : List.of(HeaderDialect.X, HeaderDialect.IETF, HeaderDialect.BOTH)) {
      assertThatThrownBy(() -> contract(dialect).respond(hostile, false))
          .as(dialect.toString())
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void theFieldsOfAResponseCannotBeChangedByItsReader() {
    RateLimitResponse response = contract(HeaderDialect.X).respond(ADMITTED, true);
    assertThatThrownBy(() -> response.headers().put("X-Other", "1"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(response.headers())
        .containsKeys("X-RateLimit-Limit", "Access-Control-Expose-Headers");
  }
}
