/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo;

import static dev.limiter.demo.TestDemo.field;
import static dev.limiter.demo.TestDemo.number;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Policy overrides on the demo, as {@code -Dratelimit.hello.max=2 -jar demo-app.jar} and {@code
 * RATELIMIT_…} environment variables give them: they reach both adapters, system properties win
 * over the environment, and the gold tier multiplies the overridden value.
 */
class OverridesTest {

  private static TestDemo demo;

  @BeforeAll
  static void start() throws Exception {
    demo =
        TestDemo.start(
            Map.of(
                "ratelimit.hello.max", "2",
                "ratelimit.credits.max", "12",
                "ratelimit.ping.max", "1",
                "ratelimit.links.window", "1h"),
            Map.of(
                "RATELIMIT_HELLO_MAX", "3", // the system property wins
                "RATELIMIT_SEARCH_BURST_MAX", "4"));
  }

  @AfterAll
  static void stop() {
    demo.close();
  }

  @Test
  void aSystemPropertyOverridesHelloMax() throws Exception {
    HttpResponse<String> first = demo.get("/api/hello", "X-API-Key", "override-1");

    assertThat(field(first, "X-RateLimit-Limit")).isEqualTo("2");
    assertThat(field(first, "X-RateLimit-Remaining")).isEqualTo("1");
    assertThat(field(first, "RateLimit-Policy")).isEqualTo("\"hello\";q=2;w=60");
    assertThat(demo.get("/api/hello", "X-API-Key", "override-1").statusCode()).isEqualTo(200);

    HttpResponse<String> rejected = demo.get("/api/hello", "X-API-Key", "override-1");

    assertThat(rejected.statusCode()).isEqualTo(429);
    assertThat(rejected.body())
        .isEqualTo(TestDemo.rateLimitedBody("hello", 2, number(rejected, "Retry-After"), "hello"));
  }

  @Test
  void theGoldTierMultipliesTheOverriddenMax() throws Exception {
    assertThat(field(demo.get("/api/hello", "X-API-Key", "gold-override"), "X-RateLimit-Limit"))
        .isEqualTo("20");
  }

  @Test
  void anEnvironmentVariableOverridesAPolicyWhoseNameHasADash() throws Exception {
    HttpResponse<String> search = demo.get("/api/search?q=x", "X-API-Key", "override-2");

    assertThat(field(search, "RateLimit-Policy"))
        .isEqualTo("\"search-burst\";q=4;w=1, \"search\";q=10;w=60");
  }

  @Test
  void aWindowOverride() throws Exception {
    HttpResponse<String> link = demo.post("/api/links", "X-API-Key", "override-3");

    assertThat(field(link, "RateLimit-Policy")).isEqualTo("\"links\";q=3;w=3600");
  }

  @Test
  void aRequestThatCostsMoreThanWhatIsLeftIsRefusedWithTheRemainderShown() throws Exception {
    String key = "override-4";
    assertThat(number(demo.post("/api/reports", "X-API-Key", key), "X-RateLimit-Remaining"))
        .isEqualTo(7);
    assertThat(number(demo.post("/api/reports", "X-API-Key", key), "X-RateLimit-Remaining"))
        .isEqualTo(2);

    HttpResponse<String> rejected = demo.post("/api/reports", "X-API-Key", key);

    assertThat(rejected.statusCode()).isEqualTo(429);
    assertThat(field(rejected, "X-RateLimit-Limit")).isEqualTo("12");
    assertThat(field(rejected, "X-RateLimit-Remaining")).isEqualTo("2");
    assertThat(rejected.body()).contains("\"policy\":\"credits\",\"limit\":12,");
  }

  @Test
  void overridesReachTheServletFilterToo() throws Exception {
    HttpResponse<String> first = demo.get("/servlet/ping");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(field(first, "X-RateLimit-Limit")).isEqualTo("1");
    assertThat(demo.get("/servlet/ping").statusCode()).isEqualTo(429);
  }
}
