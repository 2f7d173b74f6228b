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
import jakarta.servlet.DispatcherType;
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
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile requests written byte by byte on a plain socket: whatever the request holds, the answer
 * is a well-formed HTTP/1.1 response and never a 500, and nothing the client sent comes back in a
 * header.
 */
class HostileInputTest {

  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) [\\x20-\\x7e]*");
  private static final Pattern FIELD_LINE =
      Pattern.compile("([!#$%&'*+.^_`|~0-9A-Za-z-]+): ?([\\x20-\\x7e\\t]*)");

  private static RateLimiter limiter;
  private static TestJetty jetty;

  /** A parsed response: status, header fields (names lower-cased, last one wins) and body. */
  record Response(int status, Map<String, String> headers, String body) {}

  @BeforeAll
  static void start() throws Exception {
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
    ServletContextHandler context = new ServletContextHandler("/");
    FilterHolder filter = new FilterHolder(new RateLimitFilter(limiter, HttpContract.from(config)));
    filter.setAsyncSupported(true);
    context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(TestServlets.ClassLimited.class, "/class");
    context.addServlet(TestServlets.QueryKeyed.class, "/query");
    jetty = TestJetty.start(context);
  }

  @AfterAll
  static void stop() throws Exception {
    jetty.close();
    limiter.close();
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

      assertThat(response.status()).as("key %s", escape(value)).isIn(200, 400);
    }
  }

  @Test
  void crAndLfInHeadersAreRejectedByTheServerNotAnswered500() throws Exception {
    Response bareCr = send(request("GET /class", "X-API-Key: a\rInjected: yes"));
    Response bareLf = send(request("GET /class", "X-API-Key: b\nInjected: yes"));

    assertThat(bareCr.status()).isIn(200, 400);
    assertThat(bareCr.headers()).doesNotContainKey("injected");
    assertThat(bareLf.status()).isIn(200, 400);
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

      assertThat(response.status()).as(query).isIn(200, 400);
    }
    Response raw =
        send(
            bytes(
                "GET /query?user=\u00ff\u00fe\u00c3 HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\n"
                    + "Connection: close\r\n\r\n"));
    assertThat(raw.status()).isIn(200, 400);
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

  @Test
  void headersBeyondTheServerLimitGetTheServersAnswer() throws Exception {
    Response tooMany =
        send(
            request(
                "GET /class",
                "X-Filler: 0123456789012345678901234567890123456789\r\n".repeat(3000).strip()));

    assertThat(tooMany.status()).isEqualTo(431);
  }

  @Test
  void unknownAndHugeMethods() throws Exception {
    Response unknown = send(request("BREW /class", "X-API-Key: brew"));
    Response huge = send(request("X".repeat(5000) + " /class", "X-API-Key: huge"));

    assertThat(unknown.status()).isIn(400, 405, 501);
    assertThat(unknown.headers()).containsEntry("x-ratelimit-policy", "class-limited");
    assertThat(huge.status()).isIn(400, 405, 414, 431, 501);
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
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), jetty.port()), 5_000);
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
