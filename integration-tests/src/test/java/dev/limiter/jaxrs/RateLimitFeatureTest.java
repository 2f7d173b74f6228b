/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import static dev.limiter.jaxrs.TestServer.fields;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.ManualClock;
import dev.limiter.RateLimitConfig;
import dev.limiter.caffeine.CaffeineStore;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The feature in a real servlet container, Jetty and Tomcat, with the JAX-RS runtime of the test
 * JVM, in the default {@code x} dialect. Each test uses its own keys, so tests share the server and
 * the store but no counter; each container gets a server and a store of its own.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestServer.Container.class)
class RateLimitFeatureTest {

  private static final ManualClock CLOCK = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));

  /**
   * The latest a one-minute sliding window gives a unit back: the window plus one of its ten
   * sub-windows, as the engine counts conservatively.
   */
  private static final long MINUTE_RETURN_SECONDS = 66;

  private static TestServer server;
  private static RateLimitFeature feature;

  /** The container of this run of the class's tests. */
  @Parameter TestServer.Container container;

  @BeforeParameterizedClassInvocation
  static void start(TestServer.Container container) throws Exception {
    CaffeineStore store = CaffeineStore.builder().clock(CLOCK).build();
    RateLimitConfig config =
        RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build();
    feature = RateLimitFeature.builder().store(store).config(config).build();
    server =
        TestServer.start(
            container,
            TestServer.application(
                List.of(
                    Resources.Api.class,
                    Resources.Account.class,
                    Resources.ContractResource.class,
                    Resources.TestAuthentication.class),
                feature));
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    server.close();
  }

  private static long nowSeconds() {
    return CLOCK.instant().getEpochSecond();
  }

  private static HttpResponse<String> hello(String apiKey, String... more) throws Exception {
    String[] headers = new String[more.length + 2];
    headers[0] = "X-API-Key";
    headers[1] = apiKey;
    System.arraycopy(more, 0, headers, 2, more.length);
    return server.get("/hello", headers);
  }

  @Test
  void allowedResponseCarriesTheXFields() throws Exception {
    HttpResponse<String> response = hello("allowed-1");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("hello");
    assertThat(response.headers().firstValue("X-RateLimit-Limit")).hasValue("3");
    assertThat(response.headers().firstValue("X-RateLimit-Remaining")).hasValue("2");
    assertThat(response.headers().firstValue("X-RateLimit-Policy")).hasValue("hello");
    long reset = Long.parseLong(response.headers().firstValue("X-RateLimit-Reset").orElseThrow());
    assertThat(reset).isBetween(nowSeconds() + 60, nowSeconds() + MINUTE_RETURN_SECONDS);
    assertThat(response.headers().firstValue("Retry-After")).isEmpty();
    assertThat(response.headers().firstValue("Access-Control-Expose-Headers")).isEmpty();
    assertThat(fields(response, "ratelimit")).isEmpty();

    assertThat(hello("allowed-1").headers().firstValue("X-RateLimit-Remaining")).hasValue("1");
  }

  @Test
  void requestOverTheLimitGets429WithRetryAfterAndProblemBody() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(hello("over-1").statusCode()).isEqualTo(200);
    }

    HttpResponse<String> rejected = hello("over-1");

    assertThat(rejected.statusCode()).isEqualTo(429);
    long retryAfter = Long.parseLong(rejected.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, MINUTE_RETURN_SECONDS);
    assertThat(rejected.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(rejected.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(rejected.headers().firstValue("X-RateLimit-Limit")).hasValue("3");
    assertThat(rejected.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
    assertThat(rejected.headers().firstValue("X-RateLimit-Policy")).hasValue("hello");
    assertThat(rejected.body())
        .isEqualTo(
            "{\"type\":\"https://limiter.dev/problems/rate-limited\",\"title\":\"Too Many"
                + " Requests\",\"status\":429,\"detail\":\"Rate limit 'hello' exceeded; retry in "
                + retryAfter
                + " seconds.\",\"policy\":\"hello\",\"limit\":3,\"retry_after\":"
                + retryAfter
                + ",\"violated_policies\":[\"hello\"]}");
    assertThat(rejected.headers().firstValue("Content-Length"))
        .hasValue(Integer.toString(rejected.body().length()));

    CLOCK.advance(Duration.ofSeconds(retryAfter));
    assertThat(hello("over-1").statusCode()).isEqualTo(200);
  }

  @Test
  void everyLimitOfAMethodMustAdmitAndARejectionConsumesNothing() throws Exception {
    String key = "multi-1";
    int admitted = 0;
    int rejectedByBurst = 0;
    HttpResponse<String> last = null;
    for (int i = 0; i < 12; i++) {
      last = server.get("/search?q=x", "X-API-Key", key);
      if (last.statusCode() == 200) {
        admitted++;
      } else {
        assertThat(last.statusCode()).isEqualTo(429);
        if (last.headers().firstValue("X-RateLimit-Policy").orElseThrow().equals("search-burst")) {
          rejectedByBurst++;
          CLOCK.advance(Duration.ofSeconds(1)); // the burst window passes, the minute does not
        } else {
          break;
        }
      }
    }

    // the minute's five are all admitted although the burst limit rejected some requests meanwhile
    assertThat(admitted).isEqualTo(5);
    assertThat(rejectedByBurst).isGreaterThanOrEqualTo(2);
    assertThat(last.headers().firstValue("X-RateLimit-Policy")).hasValue("search");
    assertThat(last.headers().firstValue("X-RateLimit-Limit")).hasValue("5");
    assertThat(last.body()).contains("\"violated_policies\":[\"search\"]");
  }

  @Test
  void headersDescribeTheLimitClosestToRejecting() throws Exception {
    HttpResponse<String> first = server.get("/search", "X-API-Key", "closest-1");

    // burst: 1 of 2 left; minute: 4 of 5 left
    assertThat(first.headers().firstValue("X-RateLimit-Policy")).hasValue("search-burst");
    assertThat(first.headers().firstValue("X-RateLimit-Remaining")).hasValue("1");
    assertThat(first.headers().firstValue("X-RateLimit-Limit")).hasValue("2");
  }

  @Test
  void classLimitsApplyToEveryMethodBesidesTheMethodsOwn() throws Exception {
    String key = "account-1";
    assertThat(server.get("/account/a", "X-API-Key", key).statusCode()).isEqualTo(200);
    HttpResponse<String> second = server.get("/account/a", "X-API-Key", key);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.headers().firstValue("X-RateLimit-Policy")).hasValue("account-a");

    HttpResponse<String> third = server.get("/account/a", "X-API-Key", key);
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(third.headers().firstValue("X-RateLimit-Policy")).hasValue("account-a");

    // the class-wide limit saw two requests: the rejected one took nothing from it
    HttpResponse<String> b1 = server.get("/account/b", "X-API-Key", key);
    assertThat(b1.statusCode()).isEqualTo(200);
    assertThat(b1.headers().firstValue("X-RateLimit-Policy")).hasValue("account");
    assertThat(b1.headers().firstValue("X-RateLimit-Remaining")).hasValue("1");
    assertThat(server.get("/account/b", "X-API-Key", key).statusCode()).isEqualTo(200);
    HttpResponse<String> b3 = server.get("/account/b", "X-API-Key", key);
    assertThat(b3.statusCode()).isEqualTo(429);
    assertThat(b3.headers().firstValue("X-RateLimit-Policy")).hasValue("account");
  }

  @Test
  void methodsThatShareAPolicyNameShareItsCounter() throws Exception {
    String key = "shared-1";
    assertThat(
            server.get("/shared-a", "X-API-Key", key).headers().firstValue("X-RateLimit-Remaining"))
        .hasValue("2");
    assertThat(
            server.get("/shared-b", "X-API-Key", key).headers().firstValue("X-RateLimit-Remaining"))
        .hasValue("1");
    assertThat(
            server.get("/shared-a", "X-API-Key", key).headers().firstValue("X-RateLimit-Remaining"))
        .hasValue("0");
    HttpResponse<String> rejected = server.get("/shared-b", "X-API-Key", key);
    assertThat(rejected.statusCode()).isEqualTo(429);
    assertThat(rejected.headers().firstValue("X-RateLimit-Policy")).hasValue("shared");
  }

  @Test
  void aRequestTakesItsCost() throws Exception {
    String key = "cost-1";
    for (int remaining = 15; remaining >= 0; remaining -= 5) {
      HttpResponse<String> response = server.post("/reports", "X-API-Key", key);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("X-RateLimit-Remaining"))
          .hasValue(Integer.toString(remaining));
    }
    HttpResponse<String> rejected = server.post("/reports", "X-API-Key", key);
    assertThat(rejected.statusCode()).isEqualTo(429);
    assertThat(rejected.headers().firstValue("X-RateLimit-Limit")).hasValue("20");
  }

  @Test
  void pathParametersKeyTheirOwnCounters() throws Exception {
    assertThat(server.get("/items/path-1").statusCode()).isEqualTo(200);
    assertThat(server.get("/items/path-1").statusCode()).isEqualTo(200);
    assertThat(server.get("/items/path-1").statusCode()).isEqualTo(429);
    HttpResponse<String> other = server.get("/items/path-2");
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(other.headers().firstValue("X-RateLimit-Remaining")).hasValue("1");
  }

  @Test
  void queryParametersKeyTheirOwnCounters() throws Exception {
    assertThat(server.get("/lookup?q=query-1").statusCode()).isEqualTo(200);
    assertThat(server.get("/lookup?other=1&q=query-1").statusCode()).isEqualTo(200);
    assertThat(server.get("/lookup?q=query-1").statusCode()).isEqualTo(429);
    // decoded before keying: %2D is '-'
    assertThat(server.get("/lookup?q=query%2D1").statusCode()).isEqualTo(429);
    assertThat(server.get("/lookup?q=query-2").statusCode()).isEqualTo(200);
  }

  @Test
  void missingQueryParameterIs400ThatSaysWhatIsMissing() throws Exception {
    HttpResponse<String> response = server.get("/lookup?other=query-3");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(response.body())
        .isEqualTo(
            "{\"type\":\"https://limiter.dev/problems/missing-key\",\"title\":\"Bad"
                + " Request\",\"status\":400,\"detail\":\"The request lacks query parameter q,"
                + " which rate limit 'lookup' is keyed on.\",\"policy\":\"lookup\"}");
    assertThat(fields(response, "x-ratelimit")).isEmpty();
    assertThat(server.get("/lookup?q=").statusCode()).isEqualTo(400); // empty is absent
  }

  @Test
  void missingApiKeyIs401() throws Exception {
    HttpResponse<String> response = server.get("/hello");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(response.body())
        .isEqualTo(
            "{\"type\":\"https://limiter.dev/problems/missing-credentials\",\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"The"
                + " request lacks an API key in header X-API-Key, which rate limit 'hello' is keyed"
                + " on.\",\"policy\":\"hello\"}");
    assertThat(fields(response, "x-ratelimit")).isEmpty();
  }

  @Test
  void principalComesFromTheSecurityContextOfTheAuthenticationFilter() throws Exception {
    HttpResponse<String> first = server.get("/me", "X-User", "alice");
    HttpResponse<String> second = server.get("/me", "X-User", "alice");
    HttpResponse<String> rejected = server.get("/me", "X-User", "alice");
    HttpResponse<String> bob = server.get("/me", "X-User", "bob");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("X-RateLimit-Remaining")).hasValue("1");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
    assertThat(rejected.statusCode()).isEqualTo(429);
    assertThat(rejected.headers().firstValue("X-RateLimit-Policy")).hasValue("me");
    // bob has a counter of his own, untouched by alice's three requests
    assertThat(bob.statusCode()).isEqualTo(200);
    assertThat(bob.headers().firstValue("X-RateLimit-Remaining")).hasValue("1");

    HttpResponse<String> anonymous = server.get("/me");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.body())
        .isEqualTo(
            "{\"type\":\"https://limiter.dev/problems/missing-credentials\",\"title\":"
                + "\"Unauthorized\",\"status\":401,\"detail\":\"The request lacks an"
                + " authenticated user, which rate limit 'me' is keyed on.\",\"policy\":\"me\"}");
  }

  @Test
  void onJerseyOneClientAddressFilterServesEveryLimitedMethodInjectedOnce() throws Exception {
    assertThat(server.get("/by-ip").statusCode()).isEqualTo(200);
    if (TestServer.JaxrsRuntime.current() == TestServer.JaxrsRuntime.JERSEY) {
      // a class registered by a dynamic feature would be created and injected for every request
      assertThat(feature.injectedAddressFilter()).isNotNull();
    } else {
      // RESTEasy creates the class registered for each limited method once, and injects a proxy
      assertThat(feature.injectedAddressFilter()).isNull();
    }
    assertThat(server.container()).isEqualTo(container);
  }

  @Test
  void ipIsTheSocketPeer() throws Exception {
    HttpResponse<String> first = server.get("/by-ip");
    HttpResponse<String> second = server.get("/by-ip", "X-Forwarded-For", "203.0.113.9");

    assertThat(first.statusCode()).isEqualTo(200);
    long remaining =
        Long.parseLong(first.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
    // no trusted proxy is configured: the forwarded address is ignored, both count for 127.0.0.1
    assertThat(second.headers().firstValue("X-RateLimit-Remaining"))
        .hasValue(Long.toString(remaining - 1));
  }

  @Test
  void methodsWithoutLimitsAreLeftAlone() throws Exception {
    HttpResponse<String> response =
        server.get("/plain", "X-API-Key", "plain-1", "Origin", "https://app.example");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(fields(response, "x-ratelimit")).isEmpty();
    assertThat(fields(response, "ratelimit")).isEmpty();
    assertThat(response.headers().firstValue("Access-Control-Expose-Headers")).isEmpty();
    assertThat(server.get("/plain").statusCode()).isEqualTo(200); // no key needed either
  }

  @Test
  void browserRequestsGetTheFieldsExposed() throws Exception {
    String origin = "https://app.example";
    HttpResponse<String> allowed = hello("origin-1", "Origin", origin);
    assertThat(allowed.headers().allValues("Access-Control-Expose-Headers"))
        .containsExactly(
            "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-RateLimit-Policy");

    hello("origin-1");
    hello("origin-1");
    HttpResponse<String> rejected = hello("origin-1", "Origin", origin);
    assertThat(rejected.statusCode()).isEqualTo(429);
    assertThat(rejected.headers().allValues("Access-Control-Expose-Headers"))
        .containsExactly(
            "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-RateLimit-Policy,"
                + " Retry-After");
  }

  @Test
  void exposedNamesOfTheApplicationAreKeptAndItsRateLimitFieldsReplaced() throws Exception {
    HttpResponse<String> response =
        server.get("/cors", "X-API-Key", "cors-1", "Origin", "https://app.example");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().allValues("Access-Control-Expose-Headers"))
        .containsExactly(
            "X-Trace-Id",
            "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-RateLimit-Policy");
    assertThat(response.headers().allValues("X-RateLimit-Limit")).containsExactly("3");
  }

  @Test
  void limitOnTheImplementationOfAnAnnotatedInterfaceApplies() throws Exception {
    HttpResponse<String> first = server.get("/contract", "X-API-Key", "contract-1");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("X-RateLimit-Policy")).hasValue("contract");
    assertThat(server.get("/contract", "X-API-Key", "contract-1").statusCode()).isEqualTo(429);
  }
}
