/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.EndpointLimits;
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
 * Idempotent retries in a real Jetty 12 and Tomcat 11, declared three ways: a URL policy's {@code
 * idempotency-window} ({@code /pay/*}), {@code @IdempotencyKey} on a servlet class that a URL
 * policy also limits ({@code /orders/*}), and on a servlet method with its own header ({@code
 * /method-orders}). Each endpoint allows two requests an hour per {@code X-Tenant}; counted through
 * the statuses, and every test uses its own tenants.
 */
@ParameterizedClass
@EnumSource(Container.class)
class IdempotencyTest {

  /** An endpoint with idempotent retries: where, and which header carries the key. */
  private record Endpoint(String path, String header) {}

  private static final List<Endpoint> ENDPOINTS =
      List.of(
          new Endpoint("/pay/checkout", "Idempotency-Key"),
          new Endpoint("/orders/new", "Idempotency-Key"),
          new Endpoint("/method-orders", "X-Request-Id"));

  @Parameter Container container;

  private static final ManualClock CLOCK = ManualClock.at(Instant.parse("2030-01-01T00:00:00Z"));
  private static RateLimiter limiter;
  private static TestServer server;

  @BeforeParameterizedClassInvocation
  static void start(Container container) throws Exception {
    RateLimitConfig config =
        RateLimitConfig.builder()
            .environment(Map.of())
            .systemProperties(Map.of())
            .set("ratelimit.url.policies", "payments, order-extra")
            .set("ratelimit.url.payments.pattern", "/pay/*")
            .set("ratelimit.url.payments.window", "1h")
            .set("ratelimit.url.payments.max", "2")
            .set("ratelimit.url.payments.key", "header:X-Tenant")
            .set("ratelimit.url.payments.idempotency-window", "24h")
            .set("ratelimit.url.order-extra.pattern", "/orders/*")
            .set("ratelimit.url.order-extra.window", "1h")
            .set("ratelimit.url.order-extra.max", "3")
            .set("ratelimit.url.order-extra.key", "header:X-Tenant")
            .build();
    limiter =
        RateLimiter.builder()
            .store(CaffeineStore.builder().clock(CLOCK).build())
            .config(config)
            .build();
    server =
        container.start(
            Webapp.at("/")
                .filter("rate-limit", new RateLimitFilter(limiter, HttpContract.from(config)), "/*")
                .servlet(TestServlets.Plain.class, "/pay/*")
                .servlet(AdmissionServlets.Orders.class, "/orders/*")
                .servlet(TestServlets.Plain.class, "/orders/plain")
                .servlet(AdmissionServlets.MethodOrders.class, "/method-orders"));
  }

  @AfterParameterizedClassInvocation
  static void stop() throws Exception {
    try {
      server.close();
    } finally {
      limiter.close();
    }
  }

  /**
   * Retries that repeat an admitted request's key are admitted without being charged: after one
   * request and three retries of it, one new request is still let in, and the third is refused.
   */
  @Test
  void aRetryWithTheSameKeyIsNotCharged() throws Exception {
    for (Endpoint endpoint : ENDPOINTS) {
      String tenant = tenant("retried", endpoint);
      assertThat(post(endpoint, tenant, "a").statusCode()).isEqualTo(200);
      for (int retry = 0; retry < 3; retry++) {
        assertThat(post(endpoint, tenant, "a").statusCode()).as(endpoint + " retry").isEqualTo(200);
      }
      assertThat(post(endpoint, tenant, "b").statusCode()).as(endpoint + " b").isEqualTo(200);
      assertThat(post(endpoint, tenant, "c").statusCode()).as(endpoint + " c").isEqualTo(429);
      assertThat(post(endpoint, tenant, null).statusCode()).isEqualTo(429);
      assertThat(post(endpoint, tenant, "a").statusCode()).as("a retry, spent").isEqualTo(200);
    }
  }

  /**
   * The servlet's {@code @IdempotencyKey} covers the URL policy that limits it too: its retries
   * took nothing from {@code order-extra} (3 an hour), which a servlet that only that policy limits
   * reads.
   */
  @Test
  void theServletsIdempotencyKeyCoversTheUrlPolicyThatLimitsItToo() throws Exception {
    Endpoint orders = ENDPOINTS.get(1);
    String tenant = tenant("combined", orders);
    assertThat(post(orders, tenant, "a").statusCode()).isEqualTo(200);
    for (int retry = 0; retry < 4; retry++) {
      assertThat(post(orders, tenant, "a").statusCode()).isEqualTo(200);
    }

    HttpResponse<String> plain = server.send("POST", "/orders/plain", "X-Tenant", tenant);
    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(plain.headers().firstValue("X-RateLimit-Policy")).hasValue("order-extra");
    assertThat(plain.headers().firstValue("X-RateLimit-Remaining")).hasValue("1"); // 3 - a - this
  }

  /**
   * Only admitted requests are remembered: a key answered 429 is charged as a new request when it
   * is retried in the next window; a key admitted before is still a free retry then; and a key is
   * remembered per tenant (the first limit's key), not across tenants.
   */
  @Test
  void aRefusedKeysRetryIsChargedAsANewRequest() throws Exception {
    for (Endpoint endpoint : ENDPOINTS) {
      String tenant = tenant("refused", endpoint);
      assertThat(post(endpoint, tenant, "a").statusCode()).isEqualTo(200);
      assertThat(post(endpoint, tenant, "b").statusCode()).isEqualTo(200);
      assertThat(post(endpoint, tenant, "c").statusCode()).isEqualTo(429);
      assertThat(post(endpoint, tenant, "c").statusCode())
          .as("c was never admitted")
          .isEqualTo(429);

      String other = tenant("other", endpoint);
      assertThat(post(endpoint, other, "a").statusCode()).isEqualTo(200);
      assertThat(post(endpoint, other, "d").statusCode()).isEqualTo(200);
      assertThat(post(endpoint, other, "e").statusCode())
          .as("the other tenant's a was charged")
          .isEqualTo(429);
    }
    CLOCK.advance(Duration.ofHours(3)); // the 1h windows pass; the 24h idempotency keys stay
    for (Endpoint endpoint : ENDPOINTS) {
      String tenant = tenant("refused", endpoint);
      assertThat(post(endpoint, tenant, "c").statusCode()).as("c, charged").isEqualTo(200);
      assertThat(post(endpoint, tenant, "a").statusCode()).as("a, a retry").isEqualTo(200);
      assertThat(post(endpoint, tenant, "f").statusCode()).as("f, charged").isEqualTo(200);
      assertThat(post(endpoint, tenant, "g").statusCode()).isEqualTo(429);
    }
  }

  /** Thirty-two requests at once with one key never admitted, on a spent tenant: none is let in. */
  @Test
  void aFloodOfOneUnknownKeyOnASpentTenantAdmitsNothing() throws Exception {
    for (Endpoint endpoint : ENDPOINTS) {
      String tenant = tenant("spent", endpoint);
      assertThat(post(endpoint, tenant, null).statusCode()).isEqualTo(200);
      assertThat(post(endpoint, tenant, null).statusCode()).isEqualTo(200);

      List<Integer> statuses = flood(endpoint, tenant, "unknown", 32);

      assertThat(statuses).as(endpoint.path()).hasSize(32).containsOnly(429);
    }
  }

  /**
   * Thirty-two requests at once with one new key on a fresh tenant: those let in are one request
   * and its retries, which took exactly one unit between them, so one new request is still let in.
   */
  @Test
  void aFloodOfOneNewKeyTakesOneUnit() throws Exception {
    for (Endpoint endpoint : ENDPOINTS) {
      String tenant = tenant("flooded", endpoint);

      // the first copy and the key's free retries, at once: one of them is charged, whichever
      // remembers the key first; the others give back what they took
      int copies = 1 + EndpointLimits.DEFAULT_RETRIES;
      List<Integer> statuses = flood(endpoint, tenant, "once", copies);

      assertThat(statuses).as(endpoint.path()).hasSize(copies).allMatch(status -> status == 200);
      assertThat(post(endpoint, tenant, "new").statusCode()).isEqualTo(200);
      assertThat(post(endpoint, tenant, "newer").statusCode()).isEqualTo(429);
    }
  }

  private String tenant(String test, Endpoint endpoint) {
    return test + "-" + container.name() + endpoint.path().replace('/', '-');
  }

  private static HttpResponse<String> post(Endpoint endpoint, String tenant, String key)
      throws Exception {
    return key == null
        ? server.send("POST", endpoint.path(), "X-Tenant", tenant)
        : server.send("POST", endpoint.path(), "X-Tenant", tenant, endpoint.header(), key);
  }

  private static List<Integer> flood(Endpoint endpoint, String tenant, String key, int clients)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return post(endpoint, tenant, key).statusCode();
                }));
      }
      go.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> answer : answers) {
        statuses.add(answer.get(30, TimeUnit.SECONDS));
      }
      return statuses;
    } finally {
      pool.shutdownNow();
    }
  }
}
