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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Callers that no limit applies to, in a real Jetty 12 and Tomcat 11: exempt API keys and addresses
 * ({@code ratelimit.exempt.*}, and {@code ratelimit.<policy>.exempt.*}), and anonymous-or-keyed
 * limits ({@code unless} and {@code optional}), declared by annotations ({@code /annotated}) and by
 * URL policies ({@code /api/*}). The test client is 127.0.0.1, a trusted proxy here and an exempt
 * address, so that every other caller comes as an {@code X-Forwarded-For} address.
 */
@ParameterizedClass
@EnumSource(Container.class)
class ExemptionTest {

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
            .set("ratelimit.trusted-proxies", "127.0.0.1")
            .set("ratelimit.exempt.addresses", "127.0.0.1/32")
            .set("ratelimit.exempt.api-keys", "internal-1, internal-2")
            .set("ratelimit.anonymous.exempt.addresses", "192.0.2.0/24")
            .set("ratelimit.url.policies", "api-anonymous, api-keyed, held-api")
            .set("ratelimit.url.api-anonymous.pattern", "/api/*")
            .set("ratelimit.url.api-anonymous.window", "1h")
            .set("ratelimit.url.api-anonymous.max", "3")
            .set("ratelimit.url.api-anonymous.key", "ip")
            .set("ratelimit.url.api-anonymous.unless", "apiKey|bearer")
            .set("ratelimit.url.api-keyed.pattern", "/api/*")
            .set("ratelimit.url.api-keyed.window", "1h")
            .set("ratelimit.url.api-keyed.max", "5")
            .set("ratelimit.url.api-keyed.key", "apiKey|bearer")
            .set("ratelimit.url.api-keyed.optional", "true")
            .set("ratelimit.url.held-api.kind", "concurrency")
            .set("ratelimit.url.held-api.pattern", "/held-api")
            .set("ratelimit.url.held-api.max", "1")
            .set("ratelimit.url.held-api.key", "global")
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
                .servlet(AdmissionServlets.Global.class, "/global")
                .servlet(AdmissionServlets.AnonymousOrKeyed.class, "/annotated")
                .servlet(TestServlets.Plain.class, "/api/*")
                .servlet(AdmissionServlets.Probe.class, "/held-api"));
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
   * Exempt callers (an exempt API key from an address that is not exempt, and the exempt address
   * itself) get no rate-limit fields and take nothing from the global counter, which a caller that
   * is not exempt then finds whole.
   */
  @Test
  void exemptCallersGetNoFieldsAndAreNotCounted() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertUnlimited(
          server.get("/global", "X-API-Key", "internal-1", "X-Forwarded-For", "198.51.100.1"));
      assertUnlimited(server.get("/global", "X-API-Key", "internal-2")); // and from 127.0.0.1
      assertUnlimited(server.get("/global")); // 127.0.0.1
    }

    HttpResponse<String> counted = server.get("/global", "X-Forwarded-For", "198.51.100.1");
    assertThat(counted.statusCode()).isEqualTo(200);
    assertThat(counted.headers().firstValue("X-RateLimit-Policy")).hasValue("shared-global");
    assertThat(counted.headers().firstValue("X-RateLimit-Remaining")).hasValue("2");
    HttpResponse<String> notExempt =
        server.get("/global", "X-API-Key", "internal-3", "X-Forwarded-For", "198.51.100.1");
    assertThat(notExempt.headers().firstValue("X-RateLimit-Remaining")).hasValue("1");
  }

  /** An exempt caller takes no slot of a limit on requests in flight, and has no admission. */
  @Test
  void anExemptCallerTakesNoSlot() throws Exception {
    HttpResponse<String> exempt = server.get("/held-api");
    assertUnlimited(exempt);
    assertThat(exempt.body()).isEqualTo("current=true attribute=true helper=true");
    HttpResponse<String> counted = server.get("/held-api", "X-Forwarded-For", "198.51.100.2");
    assertThat(counted.headers().firstValue("X-RateLimit-Policy")).hasValue("held-api");
    assertThat(counted.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
    InFlightTest.await(() -> limiter.inFlight() == 0);
    assertThat(limiter.inFlight()).isZero();
  }

  @Test
  void anonymousCallersAreLimitedByAddressAndKeyedCallersByKeyOnlyOnAnnotatedServlets()
      throws Exception {
    anonymousOrKeyed("/annotated", "anonymous", "keyed", "203.0.113.7");
  }

  @Test
  void anonymousCallersAreLimitedByAddressAndKeyedCallersByKeyOnlyOnUrlPolicies() throws Exception {
    anonymousOrKeyed("/api/items", "api-anonymous", "api-keyed", "203.0.113.8");
  }

  /**
   * An anonymous caller gets the address limit (3 an hour), a caller with an API key or a bearer
   * token only the key limit (5 an hour per key), and the address counter of a keyed caller's
   * address is untouched by its requests.
   */
  private void anonymousOrKeyed(String path, String anonymous, String keyed, String address)
      throws Exception {
    String key = "key-" + container.name() + path.replace('/', '-');
    HttpResponse<String> first = server.get(path, "X-Forwarded-For", address);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("X-RateLimit-Policy")).hasValue(anonymous);
    assertThat(first.headers().firstValue("X-RateLimit-Limit")).hasValue("3");
    assertThat(first.headers().firstValue("X-RateLimit-Remaining")).hasValue("2");

    List<HttpResponse<String>> withKey = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      withKey.add(server.get(path, "X-Forwarded-For", address, "X-API-Key", key));
    }
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> response = withKey.get(i);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("X-RateLimit-Policy")).hasValue(keyed);
      assertThat(response.headers().firstValue("X-RateLimit-Limit")).hasValue("5");
      assertThat(response.headers().firstValue("X-RateLimit-Remaining"))
          .hasValue(String.valueOf(4 - i));
    }
    HttpResponse<String> spentKey = server.get(path, "X-Forwarded-For", address, "X-API-Key", key);
    assertThat(spentKey.statusCode()).isEqualTo(429);
    assertThat(spentKey.headers().firstValue("X-RateLimit-Policy")).hasValue(keyed);

    String token = "token-" + key;
    HttpResponse<String> bearer =
        server.get(path, "X-Forwarded-For", address, "Authorization", "Bearer " + token);
    assertThat(bearer.statusCode()).isEqualTo(200);
    assertThat(bearer.headers().firstValue("X-RateLimit-Policy")).hasValue(keyed);
    assertThat(bearer.headers().firstValue("X-RateLimit-Remaining")).hasValue("4");

    HttpResponse<String> second = server.get(path, "X-Forwarded-For", address);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.headers().firstValue("X-RateLimit-Policy")).hasValue(anonymous);
    assertThat(second.headers().firstValue("X-RateLimit-Remaining"))
        .as("the keyed requests from this address took nothing from its anonymous limit")
        .hasValue("1");
  }

  /**
   * {@code ratelimit.anonymous.exempt.addresses} exempts a range from that policy only: an
   * anonymous caller there is limited by nothing; a keyed one still by its key.
   */
  @Test
  void aPolicysOwnExemptionAppliesToThatPolicyOnly() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertUnlimited(server.get("/annotated", "X-Forwarded-For", "192.0.2.9"));
    }
    HttpResponse<String> keyed =
        server.get("/annotated", "X-Forwarded-For", "192.0.2.9", "X-API-Key", "exempt-range");
    assertThat(keyed.headers().firstValue("X-RateLimit-Policy")).hasValue("keyed");
  }

  private static void assertUnlimited(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().map().keySet())
        .noneMatch(name -> name.toLowerCase(Locale.ROOT).contains("ratelimit"))
        .noneMatch(name -> name.equalsIgnoreCase("Retry-After"));
  }
}
