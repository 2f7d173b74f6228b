/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Limits that count some statuses only ({@code countOn}, on an annotated servlet and a URL policy's
 * {@code count-on}), and refunds and charges from the servlet through {@link
 * dev.limiter.Admission#current()}, the request attribute and {@link RateLimitFilter#admission}, in
 * a real Jetty 12 and Tomcat 11; counted through the statuses and {@code X-RateLimit-Remaining}.
 * Every test uses its own keys.
 */
@ParameterizedClass
@EnumSource(Container.class)
class CountOnAndChargeTest {

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
            .set("ratelimit.url.policies", "url-login")
            .set("ratelimit.url.url-login.pattern", "/url-login")
            .set("ratelimit.url.url-login.window", "15m")
            .set("ratelimit.url.url-login.max", "5")
            .set("ratelimit.url.url-login.key", "ip+query:user")
            .set("ratelimit.url.url-login.count-on", "401, 403")
            .build();
    limiter =
        RateLimiter.builder()
            .store(CaffeineStore.builder().clock(CLOCK).build())
            .clock(CLOCK)
            .config(config)
            .build();
    server =
        container.start(
            Webapp.at("/")
                .filter("rate-limit", new RateLimitFilter(limiter, HttpContract.from(config)), "/*")
                .servlet(AdmissionServlets.Login.class, "/login")
                .servlet(AdmissionServlets.PlainLogin.class, "/url-login")
                .asyncServlet(AdmissionServlets.Credits.class, "/credits")
                .servlet(AdmissionServlets.Probe.class, "/probe"));
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
   * Forty wrong passwords at once for one user: exactly five are let in (and answered 401), the
   * other thirty-five are refused with 429; the next window lets five in again.
   */
  @Test
  void aFloodOfFailedLoginsGetsExactlyMaxAttempts() throws Exception {
    floodOfFailures("/login", "login", "flood");
    floodOfFailures("/url-login", "url-login", "flood");
  }

  private static void floodOfFailures(String path, String policy, String user) throws Exception {
    int clients = 40;
    List<Integer> statuses = concurrently(clients, path + "?user=" + user + "&password=guess");

    assertThat(statuses).filteredOn(s -> s == 401).hasSize(5);
    assertThat(statuses).filteredOn(s -> s == 429).hasSize(clients - 5);
    HttpResponse<String> refused = login(path, user, "secret");
    assertThat(refused.statusCode())
        .as("the key is spent, even for the right password")
        .isEqualTo(429);
    assertThat(refused.headers().firstValue("X-RateLimit-Policy")).hasValue(policy);

    CLOCK.advance(Duration.ofMinutes(30)); // two windows: the sliding one has let go of them all
    assertThat(login(path, user, "guess").statusCode()).isEqualTo(401);
  }

  /**
   * Twenty successful logins in a row take nothing from the five failures a user may have: each
   * success's unit comes back when it completes with 200, and five failures are still let in.
   */
  @Test
  void successfulLoginsAreNotCounted() throws Exception {
    successesThenFailures("/login", "succeeds");
    successesThenFailures("/url-login", "succeeds");
  }

  private static void successesThenFailures(String path, String user) throws Exception {
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> success = login(path, user, "secret");
      assertThat(success.statusCode()).isEqualTo(200);
      assertThat(success.body()).isEqualTo("welcome");
      // taken when admitted, given back when it completed: every one sees all five but its own
      assertThat(success.headers().firstValue("X-RateLimit-Remaining")).hasValue("4");
    }
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> failure = login(path, user, "guess");
      assertThat(failure.statusCode()).isEqualTo(401);
      assertThat(failure.headers().firstValue("X-RateLimit-Remaining"))
          .hasValue(String.valueOf(4 - i));
    }
    assertThat(login(path, user, "guess").statusCode()).isEqualTo(429);
    assertThat(login(path, user, "secret").statusCode()).isEqualTo(429);
  }

  /** Each user and address has its own attempts: the key is {@code ip+query:user}. */
  @Test
  void anotherUserHasItsOwnAttempts() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(login("/login", "mallory", "guess").statusCode()).isEqualTo(401);
    }
    assertThat(login("/login", "mallory", "guess").statusCode()).isEqualTo(429);

    HttpResponse<String> other = login("/login", "alice", "guess");
    assertThat(other.statusCode()).isEqualTo(401);
    assertThat(other.headers().firstValue("X-RateLimit-Remaining")).hasValue("4");
  }

  /**
   * {@code charge} and {@code refund} through each way a servlet reaches its admission move the
   * counter by exactly what they return; the next request's {@code X-RateLimit-Remaining} shows it.
   */
  @Test
  void chargesAndRefundsMoveTheCounter() throws Exception {
    String tenant = "charged-" + container.name();
    assertCredits(tenant, "", "none", 9); // 10 - 1
    assertCredits(tenant, "action=charge&units=3&via=current", "charged 3", 8); // then 5 left
    assertCredits(tenant, "", "none", 4);
    assertCredits(tenant, "action=refund&via=attribute", "refunded", 3); // back to 4
    assertCredits(tenant, "action=refund-policy&via=helper", "refunded", 3); // still 4
    assertCredits(tenant, "action=charge&units=2&via=async", "charged 2 current=false", 3); // 1
    assertCredits(tenant, "", "none", 0);
    assertThat(credits(tenant, "").statusCode()).isEqualTo(429);
  }

  /**
   * A charge beyond what is left takes what is left; a refund gives back what the request was
   * charged as well as its own cost.
   */
  @Test
  void aChargeTakesWhatIsLeftAndARefundGivesItAllBack() throws Exception {
    String tenant = "overcharged-" + container.name();
    assertCredits(tenant, "action=charge&units=100&via=current", "charged 9", 9); // 0 left
    assertThat(credits(tenant, "").statusCode()).isEqualTo(429);

    String both = "both-" + container.name();
    assertCredits(both, "", "none", 9);
    // admitted: 2 used; charged 4: 6 used; the refund gives back its own unit and the 4: 1 used
    assertCredits(both, "action=charge-refund&units=4&via=current", "charged 4 refunded", 8);
    assertCredits(both, "", "none", 8);
  }

  /**
   * A request that no limit applies to has no admission, and a container thread that served a
   * limited request before keeps none: after each limited request, a request without limits on the
   * same few container threads sees neither {@code Admission.current()} nor the attribute.
   */
  @Test
  void noAdmissionOutlivesItsRequest() throws Exception {
    String tenant = "probed-" + container.name();
    for (int i = 0; i < 30; i++) {
      CLOCK.advance(Duration.ofHours(2)); // a fresh window, so the credits never run out
      assertThat(credits(tenant, "").statusCode()).isEqualTo(200);
      HttpResponse<String> probe = server.get("/probe");
      assertThat(probe.body()).isEqualTo("current=false attribute=false helper=false");
    }
  }

  private static void assertCredits(String tenant, String query, String body, int remaining)
      throws Exception {
    HttpResponse<String> response = credits(tenant, query);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(body);
    assertThat(response.headers().firstValue("X-RateLimit-Remaining"))
        .as("remaining when %s was admitted", query)
        .hasValue(String.valueOf(remaining));
  }

  private static HttpResponse<String> credits(String tenant, String query) throws Exception {
    return server.get("/credits" + (query.isEmpty() ? "" : "?" + query), "X-Tenant", tenant);
  }

  private static HttpResponse<String> login(String path, String user, String password)
      throws Exception {
    return server.send("POST", path + "?user=" + user + "&password=" + password);
  }

  /** Sends {@code clients} POSTs at once and returns their statuses. */
  static List<Integer> concurrently(int clients, String pathAndQuery) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return server.send("POST", pathAndQuery).statusCode();
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
