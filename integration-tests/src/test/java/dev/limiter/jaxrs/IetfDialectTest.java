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
import java.time.Instant;
import java.util.Map;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The {@code ietf} dialect and a policy override, both chosen by configuration. */
class IetfDialectTest {

  private static final ManualClock CLOCK = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    RateLimitConfig config =
        RateLimitConfig.builder()
            .environment(Map.of())
            .systemProperties(Map.of())
            .set("ratelimit.headers", "ietf")
            .set("ratelimit.hello.max", "7")
            .build();
    server =
        TestServer.start(
            new ResourceConfig(Resources.Api.class)
                .register(
                    RateLimitFeature.builder()
                        .store(CaffeineStore.builder().clock(CLOCK).build())
                        .config(config)
                        .build()));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void theIetfFieldsReplaceTheXFields() throws Exception {
    HttpResponse<String> response = server.get("/hello", "X-API-Key", "ietf-1");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("RateLimit-Policy")).hasValue("\"hello\";q=7;w=60");
    assertThat(response.headers().firstValue("RateLimit").orElseThrow())
        .matches("\"hello\";r=6;t=6[0-6]");
    assertThat(fields(response, "x-ratelimit")).isEmpty();
  }

  @Test
  void thePolicyFieldListsEveryLimitOfTheMethod() throws Exception {
    HttpResponse<String> response = server.get("/search", "X-API-Key", "ietf-2");

    assertThat(response.headers().firstValue("RateLimit-Policy"))
        .hasValue("\"search-burst\";q=2;w=1, \"search\";q=5;w=60");
    assertThat(response.headers().firstValue("RateLimit").orElseThrow())
        .startsWith("\"search-burst\";r=1;t=");
  }

  @Test
  void browsersGetTheIetfFieldsExposed() throws Exception {
    HttpResponse<String> response =
        server.get("/hello", "X-API-Key", "ietf-3", "Origin", "https://app.example");

    assertThat(response.headers().allValues("Access-Control-Expose-Headers"))
        .containsExactly("RateLimit-Policy, RateLimit");
  }
}
