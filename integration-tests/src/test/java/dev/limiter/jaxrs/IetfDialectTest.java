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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@code ietf} dialect and a policy override, both chosen by configuration. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestServer.Container.class)
class IetfDialectTest {

  private static final ManualClock CLOCK = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
  private static TestServer server;

  /** The container of this run of the class's tests. */
  @Parameter TestServer.Container container;

  @BeforeParameterizedClassInvocation
  static void start(TestServer.Container container) throws Exception {
    RateLimitConfig config =
        RateLimitConfig.builder()
            .environment(Map.of())
            .systemProperties(Map.of())
            .set("ratelimit.headers", "ietf")
            .set("ratelimit.hello.max", "7")
            .build();
    server =
        TestServer.start(
            container,
            TestServer.application(
                List.of(Resources.Api.class, AdmissionResources.InFlight.class),
                RateLimitFeature.builder()
                    .store(CaffeineStore.builder().clock(CLOCK).build())
                    .config(config)
                    .build()));
  }

  @AfterParameterizedClassInvocation
  static void stop() {
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

  @Test
  void aLimitOnRequestsInFlightIsDescribedInConcurrentRequests() throws Exception {
    HttpResponse<String> response = server.get("/inflight/quick", "X-API-Key", "ietf-4");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("RateLimit-Policy"))
        .hasValue("\"quick\";q=3;qu=\"concurrent-requests\"");
    assertThat(response.headers().firstValue("RateLimit").orElseThrow())
        .startsWith("\"quick\";r=2");
  }
}
