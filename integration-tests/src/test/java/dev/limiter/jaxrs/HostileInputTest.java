/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.ManualClock;
import dev.limiter.RateLimitConfig;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * Requests no well-behaved client sends. Whatever the container (Jetty, Tomcat) and the JAX-RS
 * runtime make of them, the answer is never a 500 and always well-formed HTTP; where the request
 * reaches the limiter, it is counted under its own key.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestServer.Container.class)
class HostileInputTest {

  private static final ManualClock CLOCK = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
  private static TestServer server;

  /** The container of this run of the class's tests. */
  @Parameter TestServer.Container container;

  @BeforeParameterizedClassInvocation
  static void start(TestServer.Container container) throws Exception {
    CaffeineStore store = CaffeineStore.builder().clock(CLOCK).build();
    RateLimitConfig config =
        RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build();
    server =
        TestServer.start(
            container,
            TestServer.application(
                List.of(Resources.Api.class),
                RateLimitFeature.builder().store(store).config(config).build()));
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    server.close();
  }

  private static String tenKilobytes(char filler, String suffix) {
    return String.valueOf(filler).repeat(10 * 1024) + suffix;
  }

  private static RawHttp.Reply raw(String head) throws Exception {
    return RawHttp.exchange(server.port(), head);
  }

  private static void assertLimitedOk(RawHttp.Reply reply, String remaining) {
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.values("X-RateLimit-Remaining")).containsExactly(remaining);
  }

  @Test
  void tenKilobyteApiKeysAreCountedEachUnderItsOwnKey() throws Exception {
    String key = tenKilobytes('k', "-1");
    String neighbour = tenKilobytes('k', "-2");

    assertThat(server.get("/hello", "X-API-Key", key).headers().firstValue("X-RateLimit-Remaining"))
        .hasValue("2");
    assertThat(server.get("/hello", "X-API-Key", key).headers().firstValue("X-RateLimit-Remaining"))
        .hasValue("1");
    // a key that differs only in its last character has its own counter, though both are hashed
    assertThat(
            server
                .get("/hello", "X-API-Key", neighbour)
                .headers()
                .firstValue("X-RateLimit-Remaining"))
        .hasValue("2");
    server.get("/hello", "X-API-Key", key);
    HttpResponse<String> rejected = server.get("/hello", "X-API-Key", key);
    assertThat(rejected.statusCode()).isEqualTo(429);
    assertThat(rejected.body()).doesNotContain("kkkk"); // the key is never echoed
  }

  @Test
  void tenKilobyteQueryAndPathKeysAreCounted() throws Exception {
    String query = "/lookup?q=" + tenKilobytes('q', "");
    assertLimitedOk(raw("GET " + query + " HTTP/1.1\r\n"), "1");
    assertLimitedOk(raw("GET " + query + " HTTP/1.1\r\n"), "0");
    assertThat(raw("GET " + query + " HTTP/1.1\r\n").status()).isEqualTo(429);

    String path = "/items/" + tenKilobytes('p', "");
    assertLimitedOk(raw("GET " + path + " HTTP/1.1\r\n"), "1");
    assertLimitedOk(raw("GET " + path + " HTTP/1.1\r\n"), "0");
  }

  @Test
  void controlCharactersInAHeaderValue() throws Exception {
    for (String value :
        new String[] {"ctl\u0001\u007fkey", "tab\tkey", "nul\u0000key", "latin\u00e9\u00ffkey"}) {
      RawHttp.Reply reply = raw("GET /hello HTTP/1.1\r\nX-API-Key: " + value + "\r\n");
      assertThat(reply.status()).as("status for %s", value.codePoints().toArray()).isIn(200, 400);
      if (reply.status() == 200) {
        assertThat(reply.values("X-RateLimit-Policy")).containsExactly("hello");
      }
    }
  }

  @Test
  void bareCrAndLfInAHeaderValueCannotInjectAField() throws Exception {
    String[] heads = {
      "GET /hello HTTP/1.1\r\nX-API-Key: cr-key\rX-Injected: 1\r\n",
      "GET /hello HTTP/1.1\r\nX-API-Key: lf-key\nX-Injected: 1\r\n",
      "GET /hello HTTP/1.1\r\nX-API-Key: fold-key\r\n X-Injected: 1\r\n",
      "GET /hello HTTP/1.1\r\nX-API-Key: \r\n",
    };
    for (String head : heads) {
      RawHttp.Reply reply = raw(head);
      assertThat(reply.status()).as(head).isIn(200, 400, 401);
      assertThat(reply.names()).doesNotContain("x-injected");
      if (reply.status() == 200) {
        assertThat(reply.values("X-RateLimit-Policy")).containsExactly("hello");
      }
    }
  }

  @Test
  void crLfDecodedFromTheQueryNeverReachesTheResponse() throws Exception {
    HttpResponse<String> response =
        server.get("/lookup?q=a%0D%0ASet-Cookie:%20stolen=1%0D%0A%0D%0A");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(response.headers().firstValue("X-RateLimit-Policy")).hasValue("lookup");
    assertThat(server.get("/items/a%0D%0AX-Injected:%201").headers().firstValue("X-Injected"))
        .isEmpty();
  }

  @Test
  void invalidUtf8AndMalformedPercentEncodingInTheQuery() throws Exception {
    String[] targets = {
      "/lookup?q=%FF%FE%C3%28",
      "/lookup?q=%ED%A0%80", // an encoded surrogate
      "/lookup?q=%F0%9F%98", // a truncated four-byte sequence
      "/lookup?q=%ZZ%",
      "/lookup?x=%E0%A4&q=ok-with-a-broken-neighbour",
      "/lookup?q=" + "%FF".repeat(3000),
    };
    for (String target : targets) {
      RawHttp.Reply reply = raw("GET " + target + " HTTP/1.1\r\n");
      assertThat(reply.status()).as(target).isIn(200, 400);
      if (reply.status() == 200) {
        assertThat(reply.values("X-RateLimit-Policy")).as(target).containsExactly("lookup");
      } else if (reply.values("Content-Type").contains("application/problem+json")) {
        assertThat(reply.body()).contains("query parameter q");
      }
    }
  }

  @Test
  void rawBytesThatAreNotUtf8InTheRequestLine() throws Exception {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    head.write("GET /lookup?q=".getBytes(StandardCharsets.US_ASCII));
    head.write(new byte[] {(byte) 0xFF, (byte) 0xC3, (byte) 0x28, (byte) 0x80});
    head.write(" HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));

    RawHttp.Reply reply = RawHttp.exchange(server.port(), head.toByteArray());

    assertThat(reply.status()).isIn(200, 400);
    if (reply.status() == 200) {
      assertThat(reply.values("X-RateLimit-Policy")).containsExactly("lookup");
    }
  }

  @Test
  void aThousandHeaderFields() throws Exception {
    StringBuilder head = new StringBuilder("GET /hello HTTP/1.1\r\n");
    for (int i = 0; i < 1000; i++) {
      head.append("X-Filler-").append(i).append(": value-").append(i).append("\r\n");
    }
    head.append("X-API-Key: thousand-1\r\n");

    assertLimitedOk(raw(head.toString()), "2");
    assertLimitedOk(raw(head.toString()), "1");
  }

  @Test
  void aThousandValuesOfTheKeyHeaderCountUnderTheFirst() throws Exception {
    StringBuilder head = new StringBuilder("GET /hello HTTP/1.1\r\nX-API-Key: first-1\r\n");
    for (int i = 0; i < 1000; i++) {
      head.append("X-API-Key: other-").append(i).append("\r\n");
    }

    assertLimitedOk(raw(head.toString()), "2");
    assertThat(
            server
                .get("/hello", "X-API-Key", "first-1")
                .headers()
                .firstValue("X-RateLimit-Remaining"))
        .hasValue("1");
  }
}
