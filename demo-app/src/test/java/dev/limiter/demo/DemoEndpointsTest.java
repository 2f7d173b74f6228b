/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo;

import static dev.limiter.demo.TestDemo.field;
import static dev.limiter.demo.TestDemo.limiterFields;
import static dev.limiter.demo.TestDemo.number;
import static dev.limiter.demo.TestDemo.rateLimitedBody;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every JAX-RS row of the demo's contract (issue 3) against the real demo server with its default
 * options ({@code --headers both}). The tests share the server and its clock; each uses its own API
 * keys, so they share no counter, and the clock only ever moves forward. Only {@link
 * #linksCountAnonymousCallersPerAddressAndKeyedCallersPerKey} counts anonymous callers.
 *
 * <p>Sliding windows count in fifty sub-windows, so a unit comes back at most a fiftieth of the
 * window late: a test that needs exact numbers first aligns the clock to the window's sub-windows.
 */
class DemoEndpointsTest {

  private static final String BOTH_EXPOSED =
      "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-RateLimit-Policy,"
          + " RateLimit-Policy, RateLimit";

  private static TestDemo demo;

  @BeforeAll
  static void start() throws Exception {
    demo = TestDemo.start();
  }

  @AfterAll
  static void stop() {
    demo.close();
  }

  private static HttpResponse<String> hello(String apiKey, String... more) throws Exception {
    return demo.get("/api/hello", withKey(apiKey, more));
  }

  private static HttpResponse<String> search(String apiKey) throws Exception {
    return demo.get("/api/search?q=demo", "X-API-Key", apiKey);
  }

  private static HttpResponse<String> message(String apiKey, String to) throws Exception {
    return demo.post("/api/messages?to=" + to, "X-API-Key", apiKey);
  }

  private static String[] withKey(String apiKey, String... more) {
    String[] headers = new String[more.length + 2];
    headers[0] = "X-API-Key";
    headers[1] = apiKey;
    System.arraycopy(more, 0, headers, 2, more.length);
    return headers;
  }

  private static void assertAllowed(
      HttpResponse<String> response, String policy, long limit, long remaining) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(field(response, "X-RateLimit-Policy")).isEqualTo(policy);
    assertThat(number(response, "X-RateLimit-Limit")).isEqualTo(limit);
    assertThat(number(response, "X-RateLimit-Remaining")).isEqualTo(remaining);
  }

  /** Checks a 429 completely and returns its Retry-After. */
  private static long assertRejected(
      HttpResponse<String> response,
      String policy,
      long limit,
      long remaining,
      String... violated) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
    assertThat(field(response, "X-RateLimit-Policy")).isEqualTo(policy);
    assertThat(number(response, "X-RateLimit-Limit")).isEqualTo(limit);
    assertThat(number(response, "X-RateLimit-Remaining")).isEqualTo(remaining);
    long retryAfter = number(response, "Retry-After");
    assertThat(retryAfter).isPositive();
    assertThat(field(response, "Cache-Control")).isEqualTo("no-store");
    assertThat(field(response, "Content-Type")).isEqualTo("application/problem+json");
    assertThat(response.body()).isEqualTo(rateLimitedBody(policy, limit, retryAfter, violated));
    assertThat(number(response, "Content-Length")).isEqualTo(response.body().length());
    return retryAfter;
  }

  @Test
  void healthIsNeverLimitedAndCarriesNoRateLimitField() throws Exception {
    for (int i = 0; i < 12; i++) {
      HttpResponse<String> response =
          demo.get("/health", "X-API-Key", "health-1", "Origin", "https://app.example");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("{\"status\":\"up\"}");
      assertThat(limiterFields(response)).isEmpty();
      assertThat(response.headers().firstValue("Cache-Control")).isEmpty();
    }
  }

  /** The value of the sample {@code name{labels}} in a Prometheus text scrape, or empty. */
  private static OptionalDouble sample(String scrape, String name, String labels) {
    String prefix = name + "{" + labels + "} ";
    return scrape
        .lines()
        .filter(line -> line.startsWith(prefix))
        .mapToDouble(line -> Double.parseDouble(line.substring(prefix.length())))
        .findFirst();
  }

  @Test
  void metricsCountTheDecisionsByPolicyAndOutcomeAndAreNeverLimited() throws Exception {
    String labels = "outcome=\"rejected\",policy=\"hello\"";
    double before =
        sample(demo.get("/metrics").body(), "ratelimit_decisions_total", labels).orElse(0);
    int rejected = 0;
    for (int i = 0; i < 7; i++) { // hello allows 5 a minute
      rejected += hello("metrics-1").statusCode() == 429 ? 1 : 0;
    }

    HttpResponse<String> metrics = demo.get("/metrics", "X-API-Key", "metrics-1");

    assertThat(rejected).isEqualTo(2);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
    assertThat(limiterFields(metrics)).isEmpty();
    assertThat(sample(metrics.body(), "ratelimit_decisions_total", labels))
        .hasValue(before + rejected);
    assertThat(sample(metrics.body(), "ratelimit_keys", "store=\"caffeine\"")).isPresent();
    assertThat(metrics.body())
        .contains("ratelimit_store_latency_seconds_count{outcome=\"success\",store=\"caffeine\"}")
        .doesNotContain("metrics-1"); // never a key
  }

  @Test
  void helloCountsDownFromFourToZeroThenAnswers429WithProblemDetails() throws Exception {
    demo.alignTo(Duration.ofMinutes(1));
    long now = demo.nowSeconds();
    // the window (60 s) plus at most one of its fifty sub-windows (1.2 s), here exactly one,
    // rounded up to the second
    long reset = now + 62;

    for (int remaining = 4; remaining >= 0; remaining--) {
      HttpResponse<String> response = hello("hello-1");

      assertAllowed(response, "hello", 5, remaining);
      assertThat(response.body()).isEqualTo("{\"message\":\"hello\"}");
      assertThat(number(response, "X-RateLimit-Reset")).isEqualTo(reset);
      assertThat(field(response, "RateLimit-Policy")).isEqualTo("\"hello\";q=5;w=60");
      assertThat(field(response, "RateLimit")).isEqualTo("\"hello\";r=" + remaining + ";t=62");
      assertThat(response.headers().firstValue("Retry-After")).isEmpty();
      assertThat(response.headers().firstValue("Cache-Control")).isEmpty();
      assertThat(response.headers().firstValue("Access-Control-Expose-Headers")).isEmpty();
    }

    HttpResponse<String> rejected = hello("hello-1");

    assertThat(assertRejected(rejected, "hello", 5, 0, "hello")).isEqualTo(62);
    assertThat(number(rejected, "X-RateLimit-Reset")).isEqualTo(reset);
    assertThat(field(rejected, "RateLimit-Policy")).isEqualTo("\"hello\";q=5;w=60");
    assertThat(field(rejected, "RateLimit")).isEqualTo("\"hello\";r=0;t=62");
    assertThat(rejected.body())
        .isEqualTo(
            "{\"type\":\"https://limiter.dev/problems/rate-limited\",\"title\":\"Too Many"
                + " Requests\",\"status\":429,\"detail\":\"Rate limit 'hello' exceeded; retry in 62"
                + " seconds.\",\"policy\":\"hello\",\"limit\":5,\"retry_after\":62,"
                + "\"violated_policies\":[\"hello\"]}");
    // another key has its own counter
    assertAllowed(hello("hello-2"), "hello", 5, 4);
  }

  @Test
  void helloComesBackOnceTheWindowAndAtMostOneSubWindowHavePassed() throws Exception {
    demo.alignTo(Duration.ofMinutes(1));
    for (int i = 0; i < 5; i++) {
      assertThat(hello("back-1").statusCode()).isEqualTo(200);
    }
    assertThat(number(hello("back-1"), "Retry-After")).isEqualTo(62); // 61.2 s, rounded up

    demo.clock().advance(Duration.ofSeconds(60));
    // never early: a full window later the units are still counted, and Retry-After says for how
    // long
    HttpResponse<String> late = hello("back-1");
    assertThat(assertRejected(late, "hello", 5, 0, "hello")).isEqualTo(2); // 1.2 s, rounded up

    demo.clock().advance(Duration.ofMillis(1_200).minusNanos(1));
    assertThat(hello("back-1").statusCode()).isEqualTo(429);

    demo.clock().advanceNanos(1);
    HttpResponse<String> back = hello("back-1");
    assertAllowed(back, "hello", 5, 4);
    assertThat(number(back, "X-RateLimit-Reset")).isEqualTo(demo.nowSeconds() + 62);
  }

  @Test
  void helloWithoutAnApiKeyIs401AndCountsNothing() throws Exception {
    HttpResponse<String> missing = demo.get("/api/hello");
    HttpResponse<String> empty = demo.get("/api/hello", "X-API-Key", "");

    for (HttpResponse<String> response : List.of(missing, empty)) {
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(field(response, "Content-Type")).isEqualTo("application/problem+json");
      assertThat(field(response, "Cache-Control")).isEqualTo("no-store");
      assertThat(response.body())
          .isEqualTo(
              "{\"type\":\"https://limiter.dev/problems/missing-credentials\",\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"The"
                  + " request lacks an API key in header X-API-Key, which rate limit 'hello' is"
                  + " keyed on.\",\"policy\":\"hello\"}");
      assertThat(limiterFields(response)).isEmpty();
    }
  }

  @Test
  void searchBurstRejectsTheThirdInASecondAndTheMinuteLimitTheEleventh() throws Exception {
    demo.alignTo(Duration.ofMinutes(1));
    long start = demo.nowSeconds();
    String key = "search-1";

    HttpResponse<String> first = search(key);
    assertAllowed(first, "search-burst", 2, 1);
    assertThat(first.body()).isEqualTo("{\"query\":\"demo\",\"hits\":[]}");
    assertThat(field(first, "RateLimit-Policy"))
        .isEqualTo("\"search-burst\";q=2;w=1, \"search\";q=10;w=60");
    // a second, plus at most one of its fifty sub-windows, rounded up
    assertThat(field(first, "RateLimit")).isEqualTo("\"search-burst\";r=1;t=2");
    assertAllowed(search(key), "search-burst", 2, 0);

    HttpResponse<String> burst = search(key);
    assertThat(assertRejected(burst, "search-burst", 2, 0, "search-burst")).isEqualTo(2);
    assertThat(field(burst, "RateLimit-Policy"))
        .isEqualTo("\"search-burst\";q=2;w=1, \"search\";q=10;w=60");
    assertThat(field(burst, "RateLimit")).isEqualTo("\"search-burst\";r=0;t=2");

    // pairs 1.1 s apart: the burst's units come back a second plus one 20 ms sub-window later
    for (int pair = 1; pair < 4; pair++) {
      demo.clock().advance(Duration.ofMillis(1100));
      assertAllowed(search(key), "search-burst", 2, 1);
      assertAllowed(search(key), "search-burst", 2, 0);
      assertThat(search(key).statusCode()).isEqualTo(429);
    }

    demo.clock().advance(Duration.ofMillis(1100));
    // 8 admitted and 4 refused so far: the refused ones took nothing from "search", which now
    // ties with the burst on remaining units and is reported because its units return last
    assertAllowed(search(key), "search", 10, 1);
    HttpResponse<String> tenth = search(key);
    assertAllowed(tenth, "search", 10, 0);
    assertThat(field(tenth, "RateLimit")).startsWith("\"search\";r=0;t=");

    // both limits refuse: the longest wait is reported, both are listed
    HttpResponse<String> both = search(key);
    long retryBoth = assertRejected(both, "search", 10, 0, "search-burst", "search");
    // "search" took its units at 0, 1.1, 2.2, 3.3 and 4.4 s, in its 1.2 s sub-windows 0 to 3: the
    // four of sub-window 0 come back at 61.2 s, the last two at 64.8 s; it is now 4.4 s
    assertThat(retryBoth).isEqualTo(57); // 61.2 - 4.4, rounded up

    demo.clock().advance(Duration.ofMillis(1100));
    HttpResponse<String> eleventh = search(key);
    long retryAfter = assertRejected(eleventh, "search", 10, 0, "search");
    // every unit is back at 64.8 s, the first four at 61.2 s; it is now 5.5 s
    assertThat(number(eleventh, "X-RateLimit-Reset")).isEqualTo(start + 65);
    assertThat(retryAfter).isEqualTo(56); // 61.2 - 5.5, rounded up

    demo.clock().advance(Duration.ofSeconds(retryAfter));
    assertAllowed(search(key), "search-burst", 2, 1);
  }

  @Test
  void messagesAllowThreePerRecipientAndCountEachRecipientApart() throws Exception {
    demo.alignTo(Duration.ofMinutes(1));
    String key = "pair-1";

    for (int remaining = 2; remaining >= 0; remaining--) {
      HttpResponse<String> sent = message(key, "alice");
      assertAllowed(sent, "pair", 3, remaining);
      assertThat(sent.body()).isEqualTo("{\"sent\":true,\"to\":\"alice\"}");
      assertThat(field(sent, "RateLimit-Policy"))
          .isEqualTo("\"pair\";q=3;w=60, \"messages-daily\";q=20;w=86400");
    }

    assertRejected(message(key, "alice"), "pair", 3, 0, "pair");
    assertAllowed(message(key, "bob"), "pair", 3, 2);
    // another sender writing to alice has a pair of its own
    assertAllowed(message("pair-2", "alice"), "pair", 3, 2);
  }

  @Test
  void messagesAllowTwentyADayAcrossRecipients() throws Exception {
    String key = "daily-1";
    long midnight = nextMidnight(Duration.ZERO).getEpochSecond();
    // requests that lack the recipient are refused before anything is counted
    for (int i = 0; i < 3; i++) {
      assertThat(demo.post("/api/messages", "X-API-Key", key).statusCode()).isEqualTo(400);
    }

    HttpResponse<String> last = sendTwenty(key, "r");

    assertAllowed(last, "messages-daily", 20, 0);
    assertThat(number(last, "X-RateLimit-Reset")).isEqualTo(midnight);
    // the pair to r6 still has a unit; the day has none
    HttpResponse<String> rejected = message(key, "r6");
    long retryAfter = assertRejected(rejected, "messages-daily", 20, 0, "messages-daily");
    assertThat(retryAfter).isEqualTo(midnight - demo.nowSeconds());
    assertThat(number(rejected, "X-RateLimit-Reset")).isEqualTo(midnight);
    assertRejected(message(key, "someone-new"), "messages-daily", 20, 0, "messages-daily");
  }

  /**
   * Sends 20 messages from {@code key}: three to each of {@code prefix0..5}, with a fourth to each
   * that the pair limit refuses and that takes nothing from the day, then two to the sixth
   * recipient, {@code prefix} followed by 6.
   *
   * @return the response to the twentieth
   */
  private static HttpResponse<String> sendTwenty(String key, String prefix) throws Exception {
    HttpResponse<String> last = null;
    int sent = 0;
    for (int r = 0; r < 6; r++) {
      for (int i = 0; i < 3; i++) {
        last = message(key, prefix + r);
        sent++;
        assertThat(last.statusCode()).as("message %d", sent).isEqualTo(200);
      }
      assertThat(message(key, prefix + r).statusCode()).isEqualTo(429);
    }
    // the day has 2 left and the pair 3: the day is closest to rejecting now
    HttpResponse<String> nineteenth = message(key, prefix + 6);
    assertAllowed(nineteenth, "messages-daily", 20, 1);
    return message(key, prefix + 6);
  }

  @Test
  void theDailyMessageWindowResetsExactlyAtMidnightUtc() throws Exception {
    Instant midnight = nextMidnight(Duration.ofSeconds(10));
    demo.clock().set(midnight.minusSeconds(10));
    String key = "midnight-1";

    HttpResponse<String> twentieth = sendTwenty(key, "m");

    assertThat(number(twentieth, "X-RateLimit-Reset")).isEqualTo(midnight.getEpochSecond());
    HttpResponse<String> rejected = message(key, "m6");
    assertThat(assertRejected(rejected, "messages-daily", 20, 0, "messages-daily")).isEqualTo(10);
    assertThat(field(rejected, "RateLimit")).isEqualTo("\"messages-daily\";r=0;t=10");

    demo.clock().set(midnight.minusNanos(1));
    assertThat(number(message(key, "m6"), "Retry-After")).isEqualTo(1);

    demo.clock().set(midnight);
    // the new day starts with all 20; the pairs of the last minute still count
    assertThat(message(key, "m0").statusCode()).isEqualTo(429);
    HttpResponse<String> last = sendTwenty(key, "n");
    assertAllowed(last, "messages-daily", 20, 0);
    assertThat(number(last, "X-RateLimit-Reset"))
        .isEqualTo(midnight.plus(1, ChronoUnit.DAYS).getEpochSecond());
  }

  /** The first midnight UTC at least {@code margin} after the clock's time. */
  private static Instant nextMidnight(Duration margin) {
    return demo.clock()
        .instant()
        .plus(margin)
        .truncatedTo(ChronoUnit.DAYS)
        .plus(1, ChronoUnit.DAYS);
  }

  @Test
  void messagesWithoutRecipientAre400AndWithoutKey401() throws Exception {
    for (String target :
        new String[] {"/api/messages", "/api/messages?to=", "/api/messages?other=x"}) {
      HttpResponse<String> response = demo.post(target, "X-API-Key", "no-recipient-1");

      assertThat(response.statusCode()).as(target).isEqualTo(400);
      assertThat(field(response, "Content-Type")).isEqualTo("application/problem+json");
      assertThat(field(response, "Cache-Control")).isEqualTo("no-store");
      assertThat(response.body())
          .isEqualTo(
              "{\"type\":\"https://limiter.dev/problems/missing-key\",\"title\":\"Bad Request\","
                  + "\"status\":400,\"detail\":\"The request lacks query parameter to, which rate"
                  + " limit 'pair' is keyed on.\",\"policy\":\"pair\"}");
    }

    HttpResponse<String> anonymous = demo.post("/api/messages?to=alice");

    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.body())
        .contains("\"status\":401")
        .contains(
            "The request lacks an API key in header X-API-Key, which rate limit 'pair' is keyed"
                + " on.");
    assertAllowed(message("no-recipient-1", "alice"), "pair", 3, 2);
  }

  @Test
  void reportsCostFiveOfTwentyCredits() throws Exception {
    String key = "reports-1";
    for (int remaining = 15; remaining >= 0; remaining -= 5) {
      HttpResponse<String> report = demo.post("/api/reports", "X-API-Key", key);

      assertAllowed(report, "credits", 20, remaining);
      assertThat(report.body()).isEqualTo("{\"report\":\"queued\"}");
      assertThat(field(report, "RateLimit-Policy")).isEqualTo("\"credits\";q=20;w=3600");
    }

    HttpResponse<String> rejected = demo.post("/api/reports", "X-API-Key", key);

    long retryAfter = assertRejected(rejected, "credits", 20, 0, "credits");
    // an hour plus at most one 72-second sub-window
    assertThat(retryAfter).isBetween(3600L, 3672L);
  }

  @Test
  void linksCountAnonymousCallersPerAddressAndKeyedCallersPerKey() throws Exception {
    for (int remaining = 2; remaining >= 0; remaining--) {
      HttpResponse<String> anonymous = demo.post("/api/links");
      assertAllowed(anonymous, "links", 3, remaining);
      assertThat(anonymous.body()).isEqualTo("{\"link\":\"created\"}");
    }
    assertRejected(demo.post("/api/links"), "links", 3, 0, "links");

    // keyed callers from the same address are counted by key
    assertAllowed(demo.post("/api/links", "X-API-Key", "links-1"), "links", 3, 2);
    assertAllowed(demo.post("/api/links", "X-API-Key", "links-1"), "links", 3, 1);
    assertAllowed(demo.post("/api/links", "X-API-Key", "links-2"), "links", 3, 2);
    // a key that spells the address is still a key, not the address
    assertAllowed(demo.post("/api/links", "X-API-Key", "127.0.0.1"), "links", 3, 2);
    assertThat(demo.post("/api/links").statusCode()).isEqualTo(429);
    // an untrusted peer cannot pick its address with X-Forwarded-For
    assertThat(demo.post("/api/links", "X-Forwarded-For", "203.0.113.9").statusCode())
        .isEqualTo(429);
  }

  @Test
  void streamIsATokenBucketOfFiveWithOneUnitBackEveryTwoSeconds() throws Exception {
    demo.alignTo(Duration.ofSeconds(1));
    String key = "stream-1";
    for (int remaining = 4; remaining >= 0; remaining--) {
      HttpResponse<String> response = demo.get("/api/stream", "X-API-Key", key);
      assertAllowed(response, "stream", 5, remaining);
      assertThat(response.body()).isEqualTo("{\"events\":[]}");
      assertThat(field(response, "RateLimit-Policy")).isEqualTo("\"stream\";q=5;w=10");
    }
    HttpResponse<String> empty = demo.get("/api/stream", "X-API-Key", key);
    assertThat(assertRejected(empty, "stream", 5, 0, "stream")).isEqualTo(2);
    // the bucket is full again ten seconds after the burst
    assertThat(number(empty, "X-RateLimit-Reset")).isEqualTo(demo.nowSeconds() + 10);

    demo.clock().advance(Duration.ofSeconds(1));
    assertThat(number(demo.get("/api/stream", "X-API-Key", key), "Retry-After")).isEqualTo(1);

    demo.clock().advance(Duration.ofSeconds(1));
    assertAllowed(demo.get("/api/stream", "X-API-Key", key), "stream", 5, 0);
    assertThat(demo.get("/api/stream", "X-API-Key", key).statusCode()).isEqualTo(429);

    demo.clock().advance(Duration.ofSeconds(4));
    assertAllowed(demo.get("/api/stream", "X-API-Key", key), "stream", 5, 1);
    assertAllowed(demo.get("/api/stream", "X-API-Key", key), "stream", 5, 0);

    demo.clock().advance(Duration.ofSeconds(10));
    assertAllowed(demo.get("/api/stream", "X-API-Key", key), "stream", 5, 4);
  }

  @Test
  void benchPlainIsNotLimitedAndBenchLimitedCountsPerAddress() throws Exception {
    HttpResponse<String> plain = demo.get("/api/bench/plain", "Origin", "https://app.example");

    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(plain.body()).isEqualTo("{\"ok\":true}");
    assertThat(limiterFields(plain)).isEmpty();

    HttpResponse<String> first = demo.get("/api/bench/limited");
    assertThat(first.body()).isEqualTo("{\"ok\":true}");
    assertThat(field(first, "X-RateLimit-Limit")).isEqualTo("1000000000");
    assertThat(field(first, "X-RateLimit-Policy")).isEqualTo("bench");
    assertThat(field(first, "RateLimit-Policy")).isEqualTo("\"bench\";q=1000000000;w=1");
    long remaining = number(first, "X-RateLimit-Remaining");
    assertThat(remaining).isEqualTo(999_999_999L);
    // keyed by the address: an API key changes nothing, and no key is needed
    assertThat(
            number(demo.get("/api/bench/limited", "X-API-Key", "bench-1"), "X-RateLimit-Remaining"))
        .isEqualTo(remaining - 1);
    assertThat(
            number(demo.get("/api/bench/limited", "X-API-Key", "bench-2"), "X-RateLimit-Remaining"))
        .isEqualTo(remaining - 2);
  }

  @Test
  void goldKeysGetTenTimesEveryLimit() throws Exception {
    demo.alignTo(Duration.ofMinutes(1));
    assertThat(field(hello("gold-1"), "RateLimit-Policy")).isEqualTo("\"hello\";q=50;w=60");
    for (int i = 1; i < 49; i++) {
      hello("gold-1");
    }
    assertAllowed(hello("gold-1"), "hello", 50, 0);
    assertRejected(hello("gold-1"), "hello", 50, 0, "hello");

    assertThat(field(search("gold-2"), "RateLimit-Policy"))
        .isEqualTo("\"search-burst\";q=20;w=1, \"search\";q=100;w=60");
    assertThat(field(message("gold-3", "bob"), "RateLimit-Policy"))
        .isEqualTo("\"pair\";q=30;w=60, \"messages-daily\";q=200;w=86400");
    assertAllowed(demo.post("/api/reports", "X-API-Key", "gold-4"), "credits", 200, 195);
    assertAllowed(demo.post("/api/links", "X-API-Key", "gold-5"), "links", 30, 29);
    assertAllowed(demo.get("/api/stream", "X-API-Key", "gold-6"), "stream", 50, 49);

    // the tier is the prefix "gold-", exactly
    assertAllowed(hello("Gold-7"), "hello", 5, 4);
    assertAllowed(hello("silver-gold-8"), "hello", 5, 4);
    assertAllowed(hello("gold"), "hello", 5, 4);
  }

  @Test
  void browserRequestsGetTheRateLimitFieldsExposed() throws Exception {
    String origin = "https://app.example";
    HttpResponse<String> allowed = hello("origin-1", "Origin", origin);

    assertThat(allowed.headers().allValues("Access-Control-Expose-Headers"))
        .containsExactly(BOTH_EXPOSED);
    for (int i = 0; i < 4; i++) {
      hello("origin-1");
    }

    HttpResponse<String> rejected = hello("origin-1", "Origin", origin);

    assertThat(rejected.statusCode()).isEqualTo(429);
    assertThat(rejected.headers().allValues("Access-Control-Expose-Headers"))
        .containsExactly(BOTH_EXPOSED + ", Retry-After");
    assertThat(hello("origin-1").headers().firstValue("Access-Control-Expose-Headers")).isEmpty();
  }
}
