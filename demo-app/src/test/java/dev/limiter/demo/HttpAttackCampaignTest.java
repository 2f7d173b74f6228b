/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.testing.CampaignReport;
import dev.limiter.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP attack campaign (RELIABILITY.md): the real demo server over raw sockets, as a client
 * trying to choose its key through forwarding headers, from an untrusted peer and through a trusted
 * proxy (the test itself, at 127.0.0.1), with several header lines, malformed hops and every
 * spelling of IPv6, and as a client sending what no client sends: header values of 8 KB and 64 KB,
 * CR, LF and NUL, bytes that are not UTF-8, broken percent-encoding, 10,000 query parameters.
 *
 * <p>Every reply is checked to be well-formed HTTP with no field the request smuggled in ({@link
 * RawHttp}); none may be a 500. Each spoofing attempt sends ten requests, each with another forged
 * value, to an endpoint limited per address ({@code ping}, 5 a minute, through the servlet filter;
 * {@code links}, 3 a minute, through Jersey): exactly the limit is admitted, because they all count
 * under the one key the attacker cannot choose. Figures go to target/reliability/http-attacks.tsv.
 */
class HttpAttackCampaignTest {

  private static final Random RANDOM = new Random(20261201);
  private static final List<TestDemo> DEMOS = new ArrayList<>();
  private static int requests;
  private static int serverErrors;
  private static int spoofingAttempts;
  private static int spoofedAdmissions;

  @AfterAll
  static void stop() {
    DEMOS.forEach(TestDemo::close);
    CampaignReport.of("http-attacks")
        .with("requests", requests)
        .with("spoofing_attempts", spoofingAttempts)
        .with("admitted_beyond_the_real_key", spoofedAdmissions)
        .with("server_errors_5xx", serverErrors)
        .with("injected_fields", 0) // RawHttp fails the test on any field it did not expect
        .write();
  }

  private static TestDemo demo(Map<String, String> settings) throws Exception {
    TestDemo demo = TestDemo.start(settings, Map.of());
    DEMOS.add(demo);
    return demo;
  }

  private static RawHttp.Reply send(TestDemo demo, String head) throws Exception {
    RawHttp.Reply reply = demo.raw(head);
    requests++;
    if (reply.status() >= 500) {
      serverErrors++;
    }
    assertThat(reply.status()).as("%.200s", head).isLessThan(500);
    assertThat(reply.names()).doesNotContain("x-injected", "set-cookie");
    return reply;
  }

  /**
   * Sends ten requests to {@code ping} and ten to {@code links}, request {@code i} carrying the
   * fields {@code fields.apply(i)}, and returns how many of each were admitted.
   */
  private static int[] tenEach(TestDemo demo, IntFunction<String> fields) throws Exception {
    demo.clock().advance(Duration.ofHours(1)); // every earlier attempt's units are back
    int[] admitted = new int[2];
    for (int i = 0; i < 10; i++) {
      admitted[0] +=
          send(demo, "GET /servlet/ping HTTP/1.1\r\n" + fields.apply(i)).status() == 200 ? 1 : 0;
      admitted[1] +=
          send(demo, "POST /api/links HTTP/1.1\r\nContent-Length: 0\r\n" + fields.apply(i)).status()
                  == 200
              ? 1
              : 0;
    }
    return admitted;
  }

  private static String spoof(int i) {
    String[] forms = {
      "198.51.100." + (1 + RANDOM.nextInt(250)),
      "2001:db8:" + Integer.toHexString(RANDOM.nextInt(65536)) + "::1",
      "[2001:db8::" + i + "]:443",
      "::ffff:192.0.2." + i,
      "unknown",
      "_hidden" + i,
      "6.6.6." + i + ":80",
    };
    return forms[RANDOM.nextInt(forms.length)];
  }

  private static void assertSpoofingFails(String attempt, int[] admitted) {
    spoofingAttempts += 20;
    spoofedAdmissions += Math.max(0, admitted[0] - 5) + Math.max(0, admitted[1] - 3);
    assertThat(admitted[0])
        .as("%s: ping admissions of ten (5 a minute per address)", attempt)
        .isEqualTo(5);
    assertThat(admitted[1])
        .as("%s: links admissions of ten (3 a minute per address)", attempt)
        .isEqualTo(3);
  }

  @Test
  void fromAnUntrustedPeerForwardingHeadersAreIgnored() throws Exception {
    TestDemo demo = demo(Map.of());
    assertSpoofingFails(
        "untrusted peer, forged X-Forwarded-For and Forwarded",
        tenEach(
            demo, i -> "X-Forwarded-For: " + spoof(i) + "\r\nForwarded: for=" + spoof(i) + "\r\n"));
  }

  @Test
  void throughATrustedProxyTheClientCannotChooseItsAddress() throws Exception {
    TestDemo demo = demo(Map.of("ratelimit.trusted-proxies", "127.0.0.1"));
    assertSpoofingFails(
        "forged hops left of the one the proxy appended",
        tenEach(demo, i -> "X-Forwarded-For: " + spoof(i) + ", " + spoof(i) + ", 203.0.113.7\r\n"));
    assertSpoofingFails(
        "a forged line before the proxy's own line",
        tenEach(
            demo, i -> "X-Forwarded-For: " + spoof(i) + "\r\nX-Forwarded-For: 203.0.113.8\r\n"));
    assertSpoofingFails(
        "a forged Forwarded beside the X-Forwarded-For the proxy writes",
        tenEach(demo, i -> "Forwarded: for=" + spoof(i) + "\r\nX-Forwarded-For: 203.0.113.9\r\n"));
    assertSpoofingFails(
        "garbage where an address should be: keyed as the proxy",
        tenEach(
            demo,
            i ->
                "X-Forwarded-For: "
                    + new String[] {
                          "x" + i,
                          "1.2.3",
                          "1.2.3.4.5",
                          "::g" + i,
                          "\u0001" + i,
                          "1.2.3.4:99999",
                          "[::1",
                          "evil.example.com",
                          "256.1.1." + i,
                          "%0a"
                        }
                        [i]
                    + "\r\n"));
    assertSpoofingFails(
        "spellings of one IPv6 /64",
        tenEach(
            demo,
            i ->
                "X-Forwarded-For: "
                    + new String[] {
                          "2001:DB8:1:2::7",
                          "2001:db8:1:2:0:0:0:8",
                          "[2001:db8:1:2::9]:443",
                          "2001:0db8:0001:0002:ffff:ffff:ffff:ffff",
                          "2001:db8:1:2::a"
                        }
                        [i % 5]
                    + "\r\n"));
    assertSpoofingFails(
        "an IPv4 address and its IPv4-mapped IPv6 form",
        tenEach(
            demo,
            i ->
                "X-Forwarded-For: "
                    + (i % 2 == 0 ? "198.51.100.77" : "::ffff:198.51.100.77")
                    + "\r\n"));
  }

  @Test
  void withForwardedConfiguredOnlyItsForParametersCount() throws Exception {
    TestDemo demo =
        demo(
            Map.of(
                "ratelimit.trusted-proxies",
                "127.0.0.1",
                "ratelimit.forwarded-header",
                "Forwarded"));
    assertSpoofingFails(
        "forged elements and a forged X-Forwarded-For",
        tenEach(
            demo,
            i ->
                "Forwarded: for="
                    + spoof(i)
                    + ", for=203.0.113.10\r\nX-Forwarded-For: "
                    + spoof(i)
                    + "\r\n"));
    assertSpoofingFails(
        "an element hidden in a quoted string",
        tenEach(
            demo,
            i ->
                "Forwarded: for=\"x, for=6.6.6."
                    + i
                    + "\", for=\"[2001:db8:9:9::"
                    + i
                    + "]:80\"\r\n"));
  }

  @Test
  void headerValuesOfEightAndSixtyFourKilobytes() throws Exception {
    TestDemo demo = demo(Map.of("ratelimit.trusted-proxies", "127.0.0.1"));
    for (int size : new int[] {8 * 1024, 64 * 1024}) {
      String big = "1".repeat(size);
      String list = "10.0.0.1, ".repeat(size / 10);
      for (String field :
          new String[] {
            "X-API-Key: " + big,
            "X-Forwarded-For: " + big,
            "X-Forwarded-For: " + list,
            "Forwarded: for=" + big,
            "Origin: " + big
          }) {
        for (String target :
            new String[] {"GET /api/hello", "GET /servlet/ping", "POST /api/links"}) {
          RawHttp.Reply reply =
              send(demo, target + " HTTP/1.1\r\nContent-Length: 0\r\n" + field + "\r\n");
          assertThat(reply.status())
              .as("%s with %d bytes of %.20s", target, size, field)
              .isIn(200, 400, 401, 429, 431);
        }
      }
    }
  }

  @Test
  void controlCharactersAndBytesThatAreNotUtf8InForwardingHeaders() throws Exception {
    TestDemo demo = demo(Map.of("ratelimit.trusted-proxies", "127.0.0.1"));
    String[] values = {
      "203.0.113.1\u0000",
      "203.0.113.1\rX-Injected: 1",
      "203.0.113.1\nX-Injected: 1",
      "\u0000",
      "203.0.113.1\r\n X-Injected: 1",
      "for=\"203.0.113.1\u0000\"",
    };
    for (String value : values) {
      for (String name : new String[] {"X-Forwarded-For", "Forwarded"}) {
        send(demo, "GET /servlet/ping HTTP/1.1\r\n" + name + ": " + value + "\r\n");
        send(
            demo,
            "POST /api/links HTTP/1.1\r\nContent-Length: 0\r\n" + name + ": " + value + "\r\n");
      }
    }
    for (String target : new String[] {"GET /servlet/ping", "POST /api/links"}) {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      head.write(
          (target + " HTTP/1.1\r\nContent-Length: 0\r\nX-Forwarded-For: 203.0.113.")
              .getBytes(StandardCharsets.US_ASCII));
      head.write(new byte[] {(byte) 0xFF, (byte) 0xC3, (byte) 0x28});
      head.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      RawHttp.Reply reply = RawHttp.exchange(demo.port(), head.toByteArray());
      requests++;
      assertThat(reply.status()).isLessThan(500);
    }
  }

  @Test
  void brokenPercentEncodingAndTenThousandQueryParameters() throws Exception {
    TestDemo demo = demo(Map.of());
    StringBuilder many = new StringBuilder("to=bob");
    for (int i = 0; i < 10_000; i++) {
      many.append("&p").append(i).append("=").append(i % 7 == 0 ? "%zz" : "v");
    }
    String[] queries = {
      "to=%",
      "to=%%%",
      "to=%G1",
      "to=%C3",
      "to=%C3%28%FF",
      "to=a%00b",
      "to=" + "%E2%82".repeat(500),
      many.toString(),
      "to=&to=x&to=%FF",
    };
    int key = 0;
    for (String query : queries) {
      for (String target : new String[] {"POST /api/messages?", "GET /api/search?q=1&"}) {
        RawHttp.Reply reply =
            send(
                demo,
                target
                    + query
                    + " HTTP/1.1\r\nContent-Length: 0\r\nX-API-Key: percent-"
                    + key++
                    + "\r\n");
        assertThat(reply.status()).as("%.40s %.40s", target, query).isIn(200, 400, 414, 431);
      }
    }
  }
}
