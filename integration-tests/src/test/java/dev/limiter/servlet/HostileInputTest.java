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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hostile requests written byte by byte on a plain socket, on Jetty and on Tomcat: whatever the
 * request holds, the answer is a well-formed HTTP/1.1 response and never a 500, and nothing the
 * client sent comes back in a header. Where the containers differ (which requests they refuse
 * before the filter sees them, and with which status), the assertions accept each container's
 * answer and check the library's part: a request that reaches the filter is decided, one that does
 * not is the container's to answer.
 */
@ParameterizedClass
@EnumSource(Container.class)
class HostileInputTest {

  @Parameter Container container;

  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) [\\x20-\\x7e]*");
  private static final Pattern FIELD_LINE =
      Pattern.compile("([!#$%&'*+.^_`|~0-9A-Za-z-]+): ?([\\x20-\\x7e\\t]*)");

  private static RateLimiter limiter;
  private static TestServer server;

  /** A parsed response: status, header fields (names lower-cased, last one wins) and body. */
  record Response(int status, Map<String, String> headers, String body) {}

  @BeforeParameterizedClassInvocation
  static void start(Container container) throws Exception {
    RateLimitConfig config =
        RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build();
    limiter =
        RateLimiter.builder()
            .store(
                CaffeineStore.builder()
                    .clock(ManualClock.at(Instant.parse("2030-01-01T00:00:00Z")))
                    .build())
            .config(config)
            .build();
    server =
        container.start(
            Webapp.at("/")
                .filter("rate-limit", new RateLimitFilter(limiter, HttpContract.from(config)), "/*")
                .servlet(TestServlets.ClassLimited.class, "/class")
                .servlet(TestServlets.QueryKeyed.class, "/query"));
  }

  @AfterParameterizedClassInvocation
  static void stop() throws Exception {
    try {
      server.close();
    } finally {
      limiter.close();
    }
  }

  @Test
  void tenKilobyteKeyIsCountedLikeAnyOther() throws Exception {
    String key = "k".repeat(10 * 1024);

    Response first = send(request("GET /class", "X-API-Key: " + key));
    send(request("GET /class", "X-API-Key: " + key));
    Response third = send(request("GET /class", "X-API-Key: " + key));
    Response otherKey = send(request("GET /class", "X-API-Key: " + key + "x"));

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.headers()).containsEntry("x-ratelimit-remaining", "1");
    assertThat(third.status()).isEqualTo(429);
    assertThat(otherKey.status()).isEqualTo(200);
    assertThat(String.join("", third.headers().values()) + third.body()).doesNotContain("kkkk");
  }

  @Test
  void tenKilobyteQueryKey() throws Exception {
    Response response = send(request("GET /query?user=" + "%C3%A9".repeat(1700)));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.headers()).containsEntry("x-ratelimit-policy", "per-user");
  }

  @Test
  void controlCharactersInTheKeyNeverReachAHeader() throws Exception {
    for (String value : new String[] {"a\u0001b", "a\u007fb", "a\tb", "\u00ff\u00fe", "a\u0000b"}) {
      Response response = send(request("GET /class", "X-API-Key: " + value));

      assertDecidedOrRefused(response, "key " + escape(value));
    }
  }

  @Test
  void crAndLfInHeadersAreRejectedByTheServerNotAnswered500() throws Exception {
    Response bareCr = send(request("GET /class", "X-API-Key: a\rInjected: yes"));
    Response bareLf = send(request("GET /class", "X-API-Key: b\nInjected: yes"));

    assertDecidedOrRefused(bareCr, "bare CR");
    assertThat(bareCr.headers()).doesNotContainKey("injected");
    assertDecidedOrRefused(bareLf, "bare LF");
    assertThat(bareLf.headers()).doesNotContainKey("injected");
  }

  @Test
  void encodedCrLfInTheQueryKeyIsJustPartOfTheKey() throws Exception {
    Response first = send(request("GET /query?user=a%0D%0AInjected:%20yes"));
    send(request("GET /query?user=a%0D%0AInjected:%20yes"));
    Response third = send(request("GET /query?user=a%0D%0AInjected:%20yes"));

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.headers()).doesNotContainKey("injected");
    assertThat(third.status()).isEqualTo(429);
    assertThat(third.headers()).doesNotContainKey("injected");
    assertThat(third.body()).doesNotContain("Injected");
  }

  @Test
  void invalidUtf8AndBrokenEscapesInTheQueryString() throws Exception {
    for (String query :
        new String[] {
          "user=%FF%FE%C3",
          "user=%ZZ%4",
          "user=%",
          "user=%C3%28&user=x",
          "=&&user&=x",
          "user=%ED%A0%80",
          "user=%F4%90%80%80"
        }) {
      Response response = send(request("GET /query?" + query));

      assertDecidedOrRefused(response, query);
    }
    Response raw =
        send(
            bytes(
                "GET /query?user=\u00ff\u00fe\u00c3 HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\n"
                    + "Connection: close\r\n\r\n"));
    assertDecidedOrRefused(raw, "raw bytes in the query");
  }

  @Test
  void aThousandHeaders() throws Exception {
    StringBuilder headers = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      headers.append("X-Filler-").append(i).append(": value-").append(i).append("\r\n");
    }
    Response many = send(request("GET /class", headers + "X-API-Key: thousand"));
    Response repeated = send(request("GET /class", "X-API-Key: repeated\r\n".repeat(1000).strip()));

    assertThat(many.status()).isEqualTo(200);
    assertThat(many.headers()).containsEntry("x-ratelimit-remaining", "1");
    assertThat(repeated.status()).isEqualTo(200);
    assertThat(repeated.headers()).containsEntry("x-ratelimit-remaining", "1");
  }

  /** Jetty answers 431 and Tomcat 400; the request reaches the filter on neither. */
  @Test
  void headersBeyondTheServerLimitGetTheServersAnswer() throws Exception {
    Response tooMany =
        send(
            request(
                "GET /class",
                "X-Filler: 0123456789012345678901234567890123456789\r\n".repeat(3000).strip(),
                "X-API-Key: too-many"));

    assertThat(tooMany.status()).isIn(400, 431);
    assertThat(tooMany.headers()).doesNotContainKey("x-ratelimit-policy");
  }

  @Test
  void unknownAndHugeMethods() throws Exception {
    Response unknown = send(request("BREW /class", "X-API-Key: brew"));
    Response huge = send(request("X".repeat(5000) + " /class", "X-API-Key: huge"));

    assertThat(unknown.status()).isIn(400, 405, 501);
    assertThat(unknown.headers()).containsEntry("x-ratelimit-policy", "class-limited");
    assertThat(huge.status()).isIn(400, 405, 414, 431, 501);
  }

  /**
   * The library's part of a hostile request: a 200 the filter decided (its fields are there), or a
   * 400 that is either the filter's answer to a missing key (a problem body) or the container's
   * refusal before the filter ran (no rate-limit field). Which requests a container refuses
   * differs: raw bytes above 0x7f in the request target are refused by Tomcat and passed on by
   * Jetty; both refuse the control characters tested here but the tab.
   */
  private static void assertDecidedOrRefused(Response response, String what) {
    assertThat(response.status()).as(what).isIn(200, 400);
    if (response.status() == 200) {
      assertThat(response.headers()).as(what).containsKey("x-ratelimit-policy");
    } else if (response
        .headers()
        .getOrDefault("content-type", "")
        .startsWith("application/problem+json")) {
      assertThat(response.body()).as(what).containsPattern("\"status\"\\s*:\\s*400");
    } else {
      assertThat(response.headers().keySet())
          .as(what)
          .noneMatch(name -> name.startsWith("x-ratelimit"));
    }
  }

  private static byte[] request(String requestLine, String... headers) {
    StringBuilder text = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String header : headers) {
      text.append(header).append("\r\n");
    }
    return bytes(text.append("Connection: close\r\n\r\n").toString());
  }

  /** ISO-8859-1: each char below 256 becomes that byte, so tests can write any byte. */
  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Sends raw bytes, reads until the server closes, and checks the response is well formed. */
  private static Response send(byte[] request) throws IOException {
    byte[] raw;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 5_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request);
        out.flush();
        socket.shutdownOutput();
      } catch (IOException e) {
        // the server may answer and close before reading everything; read what it sent
      }
      raw = readAll(socket.getInputStream());
    }
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    assertThat(end).as("a complete header section in %s", escape(text)).isPositive();
    String[] lines = text.substring(0, end).split("\r\n", -1);
    Matcher status = STATUS_LINE.matcher(lines[0]);
    assertThat(status.matches()).as("status line %s", escape(lines[0])).isTrue();
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      Matcher field = FIELD_LINE.matcher(lines[i]);
      assertThat(field.matches()).as("header line %s", escape(lines[i])).isTrue();
      headers.put(field.group(1).toLowerCase(Locale.ROOT), field.group(2));
    }
    int code = Integer.parseInt(status.group(1));
    assertThat(code).as("status").isNotEqualTo(500);
    return new Response(code, headers, text.substring(end + 4));
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    try {
      for (int n; (n = in.read(chunk)) >= 0; ) {
        buffer.write(chunk, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError(
          "the server neither answered completely nor closed in 10 s: "
              + escape(buffer.toString(StandardCharsets.ISO_8859_1)),
          e);
    } catch (IOException e) {
      // a reset after the answer; keep what arrived
    }
    return buffer.toByteArray();
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        out.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.length() > 600 ? out.substring(0, 600) + "..." : out.toString();
  }
}
