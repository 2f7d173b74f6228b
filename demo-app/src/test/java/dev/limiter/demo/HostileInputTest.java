/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo;

import static dev.limiter.demo.TestDemo.field;
import static dev.limiter.demo.TestDemo.number;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests no well-behaved client sends, over a raw socket to the demo, through both adapters.
 * Whatever Jetty and Jersey make of them, the answer is never a 500, never carries a field the
 * request smuggled in, and is always well-formed HTTP/1.1 ({@link RawHttp} checks each); where the
 * request reaches the limiter it is counted under its own key.
 */
class HostileInputTest {

  private static TestDemo demo;

  @BeforeAll
  static void start() throws Exception {
    demo = TestDemo.start();
  }

  @AfterAll
  static void stop() {
    demo.close();
  }

  private static String tenKilobytes(char filler, String suffix) {
    return String.valueOf(filler).repeat(10 * 1024) + suffix;
  }

  private static void assertCounted(RawHttp.Reply reply, String policy, String remaining) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.values("X-RateLimit-Policy")).containsExactly(policy);
    assertThat(reply.values("X-RateLimit-Remaining")).containsExactly(remaining);
  }

  @Test
  void tenKilobyteApiKeysAreCountedEachUnderItsOwnKey() throws Exception {
    String key = tenKilobytes('k', "-1");
    String neighbour = tenKilobytes('k', "-2");
    String hello = "GET /api/hello HTTP/1.1\r\nX-API-Key: ";

    assertCounted(demo.raw(hello + key + "\r\n"), "hello", "4");
    assertCounted(demo.raw(hello + key + "\r\n"), "hello", "3");
    // keys that differ only in their last character are hashed apart
    assertCounted(demo.raw(hello + neighbour + "\r\n"), "hello", "4");
    demo.raw(hello + key + "\r\n");
    demo.raw(hello + key + "\r\n");
    demo.raw(hello + key + "\r\n");

    RawHttp.Reply rejected = demo.raw(hello + key + "\r\n");

    assertThat(rejected.status()).isEqualTo(429);
    assertThat(rejected.body()).doesNotContain("kkkk"); // a key is never echoed
  }

  @Test
  void aTenKilobyteRecipientIsCountedUnderItsOwnPair() throws Exception {
    String to = tenKilobytes('r', "");
    String post =
        "POST /api/messages?to="
            + to
            + " HTTP/1.1\r\nX-API-Key: long-to-1\r\nContent-Length: 0\r\n";

    assertCounted(demo.raw(post), "pair", "2");
    assertCounted(demo.raw(post), "pair", "1");
    assertCounted(demo.raw(post.replace("rrrr ", "rrrs ")), "pair", "2");
  }

  @Test
  void controlCharactersInHeaderValues() throws Exception {
    String[] values = {
      "ctl\u0001\u007fkey", "tab\tkey", "nul\u0000key", "latin\u00e9\u00ffkey", "esc\u001b[2Jkey",
    };
    for (String value : values) {
      RawHttp.Reply hello = demo.raw("GET /api/hello HTTP/1.1\r\nX-API-Key: " + value + "\r\n");
      RawHttp.Reply ping = demo.raw("GET /servlet/ping HTTP/1.1\r\nOrigin: " + value + "\r\n");

      assertThat(hello.status()).as("hello with %s", value.codePoints().toArray()).isIn(200, 400);
      if (hello.status() == 200) {
        assertThat(hello.values("X-RateLimit-Policy")).containsExactly("hello");
      }
      assertThat(ping.status())
          .as("ping with %s", value.codePoints().toArray())
          .isIn(200, 400, 429);
    }
  }

  @Test
  void bareCrAndLfInAHeaderValueCannotInjectAField() throws Exception {
    String[] fields = {
      "X-API-Key: cr-key\rX-Injected: 1\r\n",
      "X-API-Key: lf-key\nX-Injected: 1\r\n",
      "X-API-Key: fold-key\r\n X-Injected: 1\r\n",
      "X-API-Key: \r\n",
      "Origin: https://a.example\rX-Injected: 1\r\n",
    };
    for (String target : new String[] {"/api/hello", "/servlet/ping", "/health"}) {
      for (String field : fields) {
        RawHttp.Reply reply = demo.raw("GET " + target + " HTTP/1.1\r\n" + field);

        assertThat(reply.status()).as("%s %s", target, field).isIn(200, 400, 401, 429);
        assertThat(reply.names()).doesNotContain("x-injected");
      }
    }
  }

  @Test
  void crLfDecodedFromTheQueryNeverReachesTheResponse() throws Exception {
    HttpResponse<String> search =
        demo.get("/api/search?q=a%0D%0ASet-Cookie:%20stolen=1%0D%0A%0D%0A", "X-API-Key", "crlf-1");

    assertThat(search.statusCode()).isEqualTo(200);
    assertThat(search.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(search.body())
        .isEqualTo(
            "{\"query\":\"a\\u000d\\u000aSet-Cookie:"
                + " stolen=1\\u000d\\u000a\\u000d\\u000a\",\"hits\":[]}");

    HttpResponse<String> message =
        demo.post("/api/messages?to=bob%0D%0AX-Injected:%201", "X-API-Key", "crlf-1");

    assertThat(message.statusCode()).isEqualTo(200);
    assertThat(message.headers().firstValue("X-Injected")).isEmpty();
    assertThat(field(message, "X-RateLimit-Policy")).isEqualTo("pair");
  }

  @Test
  void invalidUtf8InTheRecipientIsCountedUnderItsOwnPair() throws Exception {
    String post =
        "POST /api/messages?to=%C3%28 HTTP/1.1\r\nX-API-Key: utf8-1\r\nContent-Length: 0\r\n";

    assertCounted(demo.raw(post), "pair", "2");
    assertCounted(demo.raw(post), "pair", "1");
    // a different broken sequence is a different recipient
    assertCounted(demo.raw(post.replace("%C3%28", "%C3%29")), "pair", "2");
  }

  @Test
  void malformedQueriesAreNever500() throws Exception {
    String[] targets = {
      "/api/messages?to=%FF%FE%C3%28",
      "/api/messages?to=%ED%A0%80", // an encoded surrogate
      "/api/messages?to=%F0%9F%98", // a truncated four-byte sequence
      "/api/messages?to=%ZZ%",
      "/api/messages?to=ok&x=%E0%A4",
      "/api/messages?to=" + "%FF".repeat(3000),
      "/api/search?q=%00%01%7F",
    };
    for (String target : targets) {
      String method = target.startsWith("/api/messages") ? "POST" : "GET";
      RawHttp.Reply reply =
          demo.raw(
              method
                  + " "
                  + target
                  + " HTTP/1.1\r\nX-API-Key: malformed-1\r\nContent-Length: 0\r\n");

      assertThat(reply.status()).as(target).isIn(200, 400);
      if (reply.status() == 400
          && reply.values("Content-Type").contains("application/problem+json")) {
        assertThat(reply.body()).as(target).contains("query parameter to");
      }
    }
  }

  @Test
  void rawBytesThatAreNotUtf8InTheRequestLine() throws Exception {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    head.write("POST /api/messages?to=".getBytes(StandardCharsets.US_ASCII));
    head.write(new byte[] {(byte) 0xFF, (byte) 0xC3, (byte) 0x28, (byte) 0x80});
    head.write(
        " HTTP/1.1\r\nX-API-Key: raw-bytes-1\r\nContent-Length: 0\r\n"
            .getBytes(StandardCharsets.US_ASCII));

    RawHttp.Reply reply = RawHttp.exchange(demo.port(), head.toByteArray());

    assertThat(reply.status()).isIn(200, 400);
  }

  @Test
  void aThousandHeaderFieldsThroughBothAdapters() throws Exception {
    StringBuilder filler = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      filler.append("X-Filler-").append(i).append(": value-").append(i).append("\r\n");
    }

    assertCounted(
        demo.raw("GET /api/hello HTTP/1.1\r\n" + filler + "X-API-Key: thousand-1\r\n"),
        "hello",
        "4");
    assertCounted(
        demo.raw("GET /api/hello HTTP/1.1\r\n" + filler + "X-API-Key: thousand-1\r\n"),
        "hello",
        "3");
    RawHttp.Reply ping = demo.raw("GET /servlet/ping HTTP/1.1\r\n" + filler);
    assertThat(ping.status()).isIn(200, 429);
    assertThat(ping.values("X-RateLimit-Policy")).containsExactly("ping");
    assertThat(demo.raw("GET /health HTTP/1.1\r\n" + filler).status()).isEqualTo(200);
  }

  @Test
  void aThousandValuesOfTheKeyHeaderCountUnderTheFirst() throws Exception {
    StringBuilder head = new StringBuilder("GET /api/hello HTTP/1.1\r\nX-API-Key: first-1\r\n");
    for (int i = 0; i < 1000; i++) {
      head.append("X-API-Key: other-").append(i).append("\r\n");
    }

    assertCounted(demo.raw(head.toString()), "hello", "4");
    assertThat(number(demo.get("/api/hello", "X-API-Key", "first-1"), "X-RateLimit-Remaining"))
        .isEqualTo(3);
  }
}
