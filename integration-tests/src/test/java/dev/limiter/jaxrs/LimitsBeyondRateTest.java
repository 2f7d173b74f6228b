/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import static dev.limiter.jaxrs.TestServer.fields;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.EndpointLimits;
import dev.limiter.LimitResolver;
import dev.limiter.ManualClock;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimiter;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.http.HttpContract;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Limits on requests in flight, limits that count some outcomes, refunds and charges from the
 * resource method, idempotent retries, exemptions and anonymous-or-keyed limits, through the
 * feature in a real container, counted. Each test uses its own keys.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestServer.Container.class)
class LimitsBeyondRateTest {

  private static final ManualClock CLOCK = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));

  private static TestServer server;
  private static RateLimiter limiter;
  private static ExecutorService clients;

  /** The container of this run of the class's tests. */
  @Parameter TestServer.Container container;

  @BeforeParameterizedClassInvocation
  static void start(TestServer.Container container) throws Exception {
    RateLimitConfig config =
        RateLimitConfig.builder()
            .environment(Map.of())
            .systemProperties(Map.of())
            .set("ratelimit.exempt.api-keys", "partner-1")
            .set("ratelimit.office.exempt.addresses", "127.0.0.0/8")
            .build();
    LimitResolver vips =
        (policy, key) -> key.startsWith("vip-") ? LimitResolver.UNLIMITED : policy.max();
    limiter =
        RateLimiter.builder()
            .store(CaffeineStore.builder().clock(CLOCK).build())
            .config(config)
            .limitResolver(vips)
            .clock(CLOCK)
            .build();
    server =
        TestServer.start(
            container,
            TestServer.application(
                List.of(
                    AdmissionResources.InFlight.class,
                    AdmissionResources.Outcomes.class,
                    AdmissionResources.Exemptions.class,
                    AdmissionResources.InFlightContractResource.class),
                new RateLimitFeature(limiter, HttpContract.from(config))));
    clients = Executors.newFixedThreadPool(16);
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    clients.shutdownNow();
    server.close();
    limiter.close();
  }

  /** Runs {@code count} calls on 16 threads at once; returns how many got each status. */
  private static Map<Integer, Integer> flood(int count, Callable<HttpResponse<String>> call)
      throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      calls.add(
          clients.submit(
              () -> {
                start.await();
                return call.call();
              }));
    }
    start.countDown();
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (Future<HttpResponse<String>> response : calls) {
      statuses.merge(response.get(30, TimeUnit.SECONDS).statusCode(), 1, Integer::sum);
    }
    return statuses;
  }

  @Test
  void exactlyMaxRequestsAreInFlightAndTheOthersAreRefusedAtOnce() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AdmissionResources.InFlight.release = release;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      calls.add(
          clients.submit(
              () -> {
                start.await();
                return server.get("/inflight/held", "X-API-Key", "held-1");
              }));
    }
    start.countDown();

    // the 13 refused come back while the 3 admitted are held
    List<HttpResponse<String>> refused = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (refused.size() < 13 && System.nanoTime() < deadline) {
      refused.clear();
      for (Future<HttpResponse<String>> call : calls) {
        if (call.isDone()) {
          refused.add(call.get());
        }
      }
      Thread.sleep(5);
    }
    assertThat(refused).hasSize(13);
    assertThat(AdmissionResources.InFlight.INSIDE.get()).isEqualTo(3);
    assertThat(limiter.inFlight()).isEqualTo(3);
    for (HttpResponse<String> response : refused) {
      assertThat(response.statusCode()).isEqualTo(429);
      assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(response.headers().firstValue("X-RateLimit-Policy")).hasValue("held");
      assertThat(response.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue("application/problem+json");
    }

    release.countDown();
    int admitted = 0;
    for (Future<HttpResponse<String>> call : calls) {
      HttpResponse<String> response = call.get(20, TimeUnit.SECONDS);
      if (response.statusCode() == 200) {
        admitted++;
        assertThat(response.body()).isEqualTo("held");
      }
    }
    assertThat(admitted).isEqualTo(3);
    awaitNoneInFlight();

    // the three slots came back: a request now sees two left after its own
    AdmissionResources.InFlight.release = new CountDownLatch(0);
    HttpResponse<String> after = server.get("/inflight/held", "X-API-Key", "held-1");
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.headers().firstValue("X-RateLimit-Limit")).hasValue("3");
    assertThat(after.headers().firstValue("X-RateLimit-Remaining")).hasValue("2");
  }

  @Test
  void sequentialRequestsGiveTheirSlotBackEachTime() throws Exception {
    for (int i = 0; i < 50; i++) {
      HttpResponse<String> response = server.get("/inflight/quick", "X-API-Key", "quick-1");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("X-RateLimit-Remaining")).hasValue("2");
    }
    awaitNoneInFlight();
  }

  @Test
  void onlyFailedLoginsCountAndAConcurrentFloodGetsExactlyMaxFailures() throws Exception {
    // successes leave no trace
    for (int i = 0; i < 20; i++) {
      assertThat(login("user-1", "secret").statusCode()).isEqualTo(200);
    }
    List<Integer> sequential = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      sequential.add(login("user-1", "wrong").statusCode());
    }
    assertThat(sequential).containsExactly(401, 401, 401, 401, 401, 429, 429);

    // a concurrent guessing attack on one account: exactly five guesses are answered
    Map<Integer, Integer> flood = flood(60, () -> login("user-2", "wrong"));
    assertThat(flood).containsExactlyInAnyOrderEntriesOf(Map.of(401, 5, 429, 55));
    // the account's owner is refused too until the window passes, as the limit counts per user
    assertThat(login("user-2", "secret").statusCode()).isEqualTo(429);
    CLOCK.advance(Duration.ofMinutes(17));
    assertThat(login("user-2", "secret").statusCode()).isEqualTo(200);
  }

  private static HttpResponse<String> login(String user, String password) throws Exception {
    return server.post("/login?password=" + password, "X-User", user);
  }

  @Test
  void theResourceMethodRefundsAndChargesItsRequest() throws Exception {
    String key = "credits-1";
    // charged 3 more than its own 1: 4 of 10 taken
    HttpResponse<String> charged = server.get("/credits?charge=3", "X-API-Key", key);
    assertThat(charged.statusCode()).isEqualTo(200);
    assertThat(charged.body()).isEqualTo("3");
    assertThat(remaining(server.get("/credits", "X-API-Key", key))).isEqualTo(5);

    // a refunded request leaves the count as it was: 5 taken, then 6 with the next one
    HttpResponse<String> refunded = server.get("/credits?refund=true", "X-API-Key", key);
    assertThat(refunded.body()).isEqualTo("refunded");
    assertThat(remaining(server.get("/credits", "X-API-Key", key))).isEqualTo(4);

    // a charge larger than what is left takes what is left
    assertThat(server.get("/credits?charge=100", "X-API-Key", key).body()).isEqualTo("3");
    HttpResponse<String> spent = server.get("/credits", "X-API-Key", key);
    assertThat(spent.statusCode()).isEqualTo(429);
  }

  private static int remaining(HttpResponse<String> response) {
    return Integer.parseInt(response.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
  }

  private static HttpResponse<String> order(String apiKey, String idempotencyKey) throws Exception {
    return server.post("/orders", "X-API-Key", apiKey, "Idempotency-Key", idempotencyKey);
  }

  @Test
  void aRepeatedIdempotencyKeyIsNotChargedAgain() throws Exception {
    String key = "orders-1";
    assertThat(order(key, "a").statusCode()).isEqualTo(200);
    for (int i = 0; i < 5; i++) {
      assertThat(order(key, "a").statusCode()).isEqualTo(200);
    }
    assertThat(order(key, "b").statusCode()).isEqualTo(200);
    assertThat(order(key, "c").statusCode()).isEqualTo(429);
    // the two admitted keys still pass as retries once the limit is spent
    assertThat(order(key, "a").statusCode()).isEqualTo(200);
    assertThat(order(key, "b").statusCode()).isEqualTo(200);
  }

  @Test
  void theRetryOfARefusedRequestIsChargedAsNew() throws Exception {
    String key = "orders-2";
    assertThat(order(key, "a").statusCode()).isEqualTo(200);
    assertThat(order(key, "b").statusCode()).isEqualTo(200);
    assertThat(order(key, "c").statusCode()).isEqualTo(429);

    CLOCK.advance(Duration.ofMinutes(70)); // the hour passes; the idempotency keys stay
    assertThat(order(key, "c").statusCode()).isEqualTo(200); // charged: one left
    assertThat(order(key, "d").statusCode()).isEqualTo(200); // charged: none left
    assertThat(order(key, "e").statusCode()).isEqualTo(429);
    assertThat(order(key, "a").statusCode()).isEqualTo(200); // a retry, within 24 hours
  }

  @Test
  void aFloodOfOneUnknownIdempotencyKeyOnASpentKeyAdmitsNothing() throws Exception {
    String key = "orders-3";
    assertThat(order(key, "a").statusCode()).isEqualTo(200);
    assertThat(order(key, "b").statusCode()).isEqualTo(200);

    Map<Integer, Integer> flood = flood(48, () -> order(key, "forged"));

    assertThat(flood).containsExactlyInAnyOrderEntriesOf(Map.of(429, 48));
    // and a flood of an admitted key's retries gets that key's free retries, no more: one key
    // cannot carry unlimited work past a spent limit
    assertThat(flood(48, () -> order(key, "a")))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(200, EndpointLimits.DEFAULT_RETRIES, 429, 48 - EndpointLimits.DEFAULT_RETRIES));
    assertThat(order(key, "c").statusCode()).isEqualTo(429);
  }

  @Test
  void aKeyTheResolverExemptsIsNeitherCountedNorReported() throws Exception {
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> response = server.get("/tiered", "X-API-Key", "vip-1");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(fields(response, "x-ratelimit")).isEmpty();
      assertThat(response.headers().firstValue("Retry-After")).isEmpty();
    }
    assertThat(remaining(server.get("/tiered", "X-API-Key", "plain-1"))).isEqualTo(1);
  }

  @Test
  void aConfiguredExemptCallerIsNeitherCountedNorReported() throws Exception {
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> response = server.get("/by-address", "X-API-Key", "partner-1");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(fields(response, "x-ratelimit")).isEmpty();
    }
    // the address those requests came from was not counted: an anonymous caller there gets 3
    List<Integer> anonymous = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      anonymous.add(server.get("/by-address").statusCode());
    }
    assertThat(anonymous).containsExactly(200, 200, 200, 429);
  }

  @Test
  void anAddressExemptFromOnePolicyIsNeitherCountedNorReportedThere() throws Exception {
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> response = server.get("/office", "X-API-Key", "office-1");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(fields(response, "x-ratelimit")).isEmpty();
    }
  }

  @Test
  void aLimitOnRequestsInFlightOnTheClassThatImplementsAnAnnotatedInterface() throws Exception {
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> response = server.get("/contract-inflight", "X-API-Key", "contract-1");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("X-RateLimit-Policy")).hasValue("contract-inflight");
      assertThat(response.headers().firstValue("X-RateLimit-Remaining")).hasValue("1");
    }
    awaitNoneInFlight();
  }

  @Test
  void anonymousCallersAreLimitedByAddressAndKeyedCallersByTheirKey() throws Exception {
    List<Integer> keyed = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> response = server.get("/search", "X-API-Key", "search-key-1");
      keyed.add(response.statusCode());
      assertThat(response.headers().firstValue("X-RateLimit-Policy")).hasValue("keyed");
    }
    assertThat(keyed).containsExactly(200, 200, 200, 200, 200, 429);

    List<Integer> bearer = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> response = server.get("/search", "Authorization", "Bearer token-1");
      bearer.add(response.statusCode());
      assertThat(response.headers().firstValue("X-RateLimit-Policy")).hasValue("keyed");
    }
    assertThat(bearer).containsExactly(200, 200, 200, 200, 200, 429);

    // the keyed callers came from 127.0.0.1 too, and left its counter untouched
    List<Integer> anonymous = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> response = server.get("/search");
      anonymous.add(response.statusCode());
      assertThat(response.headers().firstValue("X-RateLimit-Policy")).hasValue("anonymous");
    }
    assertThat(anonymous).containsExactly(200, 200, 429);
  }

  private static void awaitNoneInFlight() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (limiter.inFlight() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(limiter.inFlight()).isZero();
  }
}
