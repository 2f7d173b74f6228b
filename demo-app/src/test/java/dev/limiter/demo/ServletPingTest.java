/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo;

import static dev.limiter.demo.TestDemo.field;
import static dev.limiter.demo.TestDemo.limiterFieldLines;
import static dev.limiter.demo.TestDemo.number;
import static dev.limiter.demo.TestDemo.rateLimitedBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.testing.RawHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /servlet/ping}, limited by the servlet filter from the annotation on the servlet class
 * (5 per minute per address), and the promise that both adapters answer alike: for equivalent
 * decisions the JAX-RS feature ({@code /api/hello}, 5 per minute per key) and the filter send the
 * same rate-limit fields, in the same order, and the same body, but for the policy's name.
 *
 * <p>Every request here comes from 127.0.0.1, so every test starts a fresh window for the address.
 */
class ServletPingTest {

  private static TestDemo demo;

  @BeforeAll
  static void start() throws Exception {
    demo = TestDemo.start();
  }

  @AfterAll
  static void stop() {
    demo.close();
  }

  @BeforeEach
  void freshWindow() {
    // the address's units of an earlier test are gone a window and a sub-window later
    demo.clock().advance(Duration.ofMinutes(2));
    demo.alignTo(Duration.ofMinutes(1));
  }

  @Test
  void pingAllowsFivePerAddressThenAnswers429() throws Exception {
    long reset = demo.nowSeconds() + 62;
    for (int remaining = 4; remaining >= 0; remaining--) {
      HttpResponse<String> ping = demo.get("/servlet/ping");

      assertThat(ping.statusCode()).isEqualTo(200);
      assertThat(ping.body()).isEqualTo("{\"pong\":true}");
      assertThat(field(ping, "X-RateLimit-Limit")).isEqualTo("5");
      assertThat(number(ping, "X-RateLimit-Remaining")).isEqualTo(remaining);
      assertThat(number(ping, "X-RateLimit-Reset")).isEqualTo(reset);
      assertThat(field(ping, "X-RateLimit-Policy")).isEqualTo("ping");
      assertThat(field(ping, "RateLimit-Policy")).isEqualTo("\"ping\";q=5;w=60");
      assertThat(field(ping, "RateLimit")).isEqualTo("\"ping\";r=" + remaining + ";t=62");
      assertThat(ping.headers().firstValue("Retry-After")).isEmpty();
    }

    // the address is the peer's: neither an API key nor a forwarded address from an untrusted
    // peer gives a fresh counter
    HttpResponse<String> rejected =
        demo.get("/servlet/ping", "X-API-Key", "ping-1", "X-Forwarded-For", "203.0.113.9");

    assertThat(rejected.statusCode()).isEqualTo(429);
    assertThat(field(rejected, "Retry-After")).isEqualTo("62");
    assertThat(field(rejected, "Cache-Control")).isEqualTo("no-store");
    assertThat(field(rejected, "Content-Type")).isEqualTo("application/problem+json");
    assertThat(field(rejected, "X-RateLimit-Remaining")).isEqualTo("0");
    assertThat(field(rejected, "RateLimit")).isEqualTo("\"ping\";r=0;t=62");
    assertThat(rejected.body()).isEqualTo(rateLimitedBody("ping", 5, 62, "ping"));
    assertThat(number(rejected, "Content-Length")).isEqualTo(rejected.body().length());

    demo.clock().advance(Duration.ofSeconds(61)); // 0.2 s before the window and a sub-window
    assertThat(number(demo.get("/servlet/ping"), "Retry-After")).isEqualTo(1);
    demo.clock().advance(Duration.ofSeconds(1));
    assertThat(number(demo.get("/servlet/ping"), "X-RateLimit-Remaining")).isEqualTo(4);
  }

  @Test
  void bothAdaptersSendTheSameFieldsAndBodyForTheSameDecision() throws Exception {
    for (String origin : new String[] {null, "https://app.example"}) {
      demo.clock().advance(Duration.ofMinutes(2));
      String key = "parity-" + (origin == null ? "plain" : "browser");
      String extra = origin == null ? "" : "Origin: " + origin + "\r\n";
      for (int i = 0; i < 7; i++) {
        RawHttp.Reply jaxrs =
            demo.raw("GET /api/hello HTTP/1.1\r\nX-API-Key: " + key + "\r\n" + extra);
        RawHttp.Reply servlet = demo.raw("GET /servlet/ping HTTP/1.1\r\n" + extra);

        assertThat(servlet.status())
            .as("request %d", i + 1)
            .isEqualTo(jaxrs.status())
            .isEqualTo(i < 5 ? 200 : 429);
        assertThat(limiterFieldLines(servlet))
            .as("request %d", i + 1)
            .isNotEmpty()
            .isEqualTo(limiterFieldLines(jaxrs).stream().map(ServletPingTest::asPing).toList());
        for (String name : new String[] {"Content-Type", "Cache-Control"}) {
          assertThat(servlet.values(name)).as(name).isEqualTo(jaxrs.values(name));
        }
        if (i >= 5) {
          assertThat(servlet.body()).isEqualTo(asPing(jaxrs.body()));
        }
      }
    }
  }

  private static String asPing(String text) {
    return text.replace("hello", "ping");
  }

  @Test
  void aBrowserRequestGetsTheFieldsExposedOnce() throws Exception {
    String exposed =
        "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-RateLimit-Policy,"
            + " RateLimit-Policy, RateLimit";
    HttpResponse<String> allowed = demo.get("/servlet/ping", "Origin", "https://app.example");

    assertThat(allowed.headers().allValues("Access-Control-Expose-Headers"))
        .containsExactly(exposed);
    assertThat(demo.get("/servlet/ping").headers().firstValue("Access-Control-Expose-Headers"))
        .isEmpty();
    for (int i = 0; i < 3; i++) {
      demo.get("/servlet/ping");
    }
    HttpResponse<String> rejected = demo.get("/servlet/ping", "Origin", "https://app.example");
    assertThat(rejected.statusCode()).isEqualTo(429);
    assertThat(rejected.headers().allValues("Access-Control-Expose-Headers"))
        .containsExactly(exposed + ", Retry-After");
  }
}
