/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientAddressTest {

  private static final String TRUSTED = "10.0.0.0/8, 192.0.2.1, ::1";

  private final ClientAddress proxies = ClientAddress.of(TRUSTED, "X-Forwarded-For", 128);
  private final ClientAddress rfc7239 = ClientAddress.of(TRUSTED, "Forwarded", 128);

  private static RateLimitConfig config(Map<String, String> values) {
    RateLimitConfig.Builder builder =
        RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of());
    values.forEach(builder::set);
    return builder.build();
  }

  @Test
  void withoutTrustedProxiesThePeerIsTheClient() {
    ClientAddress none = ClientAddress.of("", "X-Forwarded-For", 128);
    assertThat(none.resolve(TestRequest.from("10.1.1.1").header("X-Forwarded-For", "203.0.113.9")))
        .isEqualTo("10.1.1.1");
  }

  @Test
  void forwardingFromAnUntrustedPeerIsIgnored() {
    TestRequest request = TestRequest.from("198.51.100.2").header("X-Forwarded-For", "203.0.113.9");
    assertThat(proxies.resolve(request)).isEqualTo("198.51.100.2");
  }

  @Test
  void walksXForwardedForRightToLeftPastTrustedHops() {
    TestRequest request =
        TestRequest.from("10.0.0.5").header("X-Forwarded-For", "6.6.6.6, 203.0.113.9, 10.2.3.4");
    assertThat(proxies.resolve(request)).isEqualTo("203.0.113.9");
  }

  /**
   * nginx and load balancers append to {@code X-Forwarded-For} and pass a client's own {@code
   * Forwarded} through: the client must not choose its address with it.
   */
  @Test
  void readsOnlyTheConfiguredHeaderNeverBoth() {
    TestRequest request =
        TestRequest.from("10.0.0.5")
            .header("Forwarded", "for=6.6.6.6")
            .header("X-Forwarded-For", "203.0.113.9");
    assertThat(proxies.resolve(request)).isEqualTo("203.0.113.9");
    TestRequest forwarded =
        TestRequest.from("192.0.2.1")
            .header("X-Forwarded-For", "7.7.7.7")
            .header(
                "Forwarded",
                "for=6.6.6.6, for=\"[2001:db8:cafe::17]:4711\";proto=https, for=10.9.9.9");
    assertThat(rfc7239.resolve(forwarded)).isEqualTo("2001:db8:cafe::17");
  }

  /**
   * HAProxy's {@code option forwardfor} adds a line of its own after the client's: every line
   * counts, in order, so the client's line is the leftmost and never the one trusted.
   */
  @Test
  void readsEveryLineInOrder() {
    TestRequest request =
        TestRequest.from("10.0.0.5")
            .header("X-Forwarded-For", "6.6.6.6")
            .header("X-Forwarded-For", "203.0.113.9, 10.0.0.8")
            .header("X-Forwarded-For", "10.0.0.9");
    assertThat(proxies.resolve(request)).isEqualTo("203.0.113.9");
  }

  @Test
  void anotherHeaderInTheSameFormCanBeNamed() {
    ClientAddress cloudflare = ClientAddress.of("10.0.0.0/8", "CF-Connecting-IP", 128);
    TestRequest request =
        TestRequest.from("10.0.0.5")
            .header("X-Forwarded-For", "6.6.6.6")
            .header("CF-Connecting-IP", "203.0.113.9");
    assertThat(cloudflare.resolve(request)).isEqualTo("203.0.113.9");
  }

  @Test
  void stripsPortsAndBrackets() {
    assertThat(rfc7239.resolve(TestRequest.from("::1").header("Forwarded", "for=203.0.113.9:5555")))
        .isEqualTo("203.0.113.9");
    assertThat(
            proxies.resolve(TestRequest.from("::1").header("X-Forwarded-For", "203.0.113.9:5555")))
        .isEqualTo("203.0.113.9");
    assertThat(
            proxies.resolve(TestRequest.from("::1").header("X-Forwarded-For", "[2001:db8::9]:443")))
        .isEqualTo("2001:db8::9");
  }

  @ParameterizedTest(name = "{0} is keyed as {1}")
  @CsvSource({
    "2001:DB8::1, 2001:db8::1",
    "2001:db8:0:0::1, 2001:db8::1",
    "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
    "::ffff:203.0.113.7, 203.0.113.7",
    "::FFFF:cb00:7107, 203.0.113.7",
    "203.0.113.7, 203.0.113.7",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "2001:db8::1:0:0:1, 2001:db8::1:0:0:1",
    "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
    "0:0:0:0:0:0:0:1, ::1",
    "::, ::",
    "1::, 1::",
  })
  void addressesAreNormalizedBeforeTheyBecomeKeys(String sent, String key) {
    assertThat(proxies.resolve(TestRequest.from(sent))).as("as the peer").isEqualTo(key);
    assertThat(proxies.resolve(TestRequest.from("10.0.0.5").header("X-Forwarded-For", sent)))
        .as("as a forwarded hop")
        .isEqualTo(key);
  }

  @ParameterizedTest(name = "/{1}: {0} is keyed as {2}")
  @CsvSource({
    "2001:db8:1:2:aaaa:bbbb:cccc:dddd, 64, 2001:db8:1:2::/64",
    "2001:db8:1:2:ffff::1, 64, 2001:db8:1:2::/64",
    "2001:db8:1:2:aaaa:bbbb:cccc:dddd, 48, 2001:db8:1::/48",
    "2001:db8:1:2ff:aaaa:bbbb:cccc:dddd, 56, 2001:db8:1:200::/56",
    "2001:db8:1:2:aaaa:bbbb:cccc:dddd, 128, 2001:db8:1:2:aaaa:bbbb:cccc:dddd",
    "::ffff:203.0.113.7, 64, 203.0.113.7",
  })
  void ipv6ClientsAreKeyedByTheirPrefix(String address, int prefix, String key) {
    ClientAddress byPrefix = ClientAddress.of("", "X-Forwarded-For", prefix);
    assertThat(byPrefix.resolve(TestRequest.from(address))).isEqualTo(key);
  }

  @Test
  void theDefaultKeysIpv6ClientsByTheirSlash64() {
    ClientAddress defaults = ClientAddress.from(config(Map.of()));
    assertThat(defaults.resolve(TestRequest.from("2001:db8:1:2:aaaa:bbbb:cccc:dddd")))
        .isEqualTo("2001:db8:1:2::/64");
    assertThat(defaults.resolve(TestRequest.from("2001:db8:1:2::77")))
        .isEqualTo("2001:db8:1:2::/64");
  }

  @Test
  void trustedProxiesMatchWhateverFormThePeerAddressTakes() {
    assertThat(
            proxies.resolve(
                TestRequest.from("::ffff:10.0.0.5").header("X-Forwarded-For", "203.0.113.9")))
        .isEqualTo("203.0.113.9");
    assertThat(
            proxies.resolve(
                TestRequest.from("0:0:0:0:0:0:0:1").header("X-Forwarded-For", "203.0.113.9")))
        .isEqualTo("203.0.113.9");
    assertThat(proxies.resolve(TestRequest.from("[::1]").header("X-Forwarded-For", "203.0.113.9")))
        .isEqualTo("203.0.113.9");
  }

  @Test
  void aMalformedHopStopsTheWalkAtTheLastHopATrustedProxyVouchedFor() {
    TestRequest request =
        TestRequest.from("10.0.0.5")
            .header("X-Forwarded-For", "203.0.113.9, evil.example.com, 10.0.0.7");
    assertThat(proxies.resolve(request)).isEqualTo("10.0.0.7");
    TestRequest control = TestRequest.from("10.0.0.5").header("X-Forwarded-For", "1.2.3.4\r\nX: y");
    assertThat(proxies.resolve(control)).isEqualTo("10.0.0.5");
    TestRequest unknown = TestRequest.from("192.0.2.1").header("Forwarded", "for=unknown");
    assertThat(rfc7239.resolve(unknown)).isEqualTo("192.0.2.1");
    TestRequest hidden =
        TestRequest.from("192.0.2.1").header("Forwarded", "for=_hidden, for=10.0.0.3");
    assertThat(rfc7239.resolve(hidden)).isEqualTo("10.0.0.3");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.2.3.4.5",
        "1.2.3",
        "256.1.1.1",
        "1.2.3.-4",
        "01234.1.1.1",
        "1::2::3",
        "1:2:3:4:5:6:7:8:9",
        "12345::1",
        "::g",
        ":1",
        "1:",
        "fe80::1%eth0",
        "[::1",
        "::1]",
        "1.2.3.4:x",
        "",
        " ",
        "2001:db8::1.2.3.4.5",
        "1.2.3.4:65536"
      })
  void malformedHopsNeverBecomeKeys(String hop) {
    TestRequest request =
        TestRequest.from("10.0.0.5").header("X-Forwarded-For", hop + ", 10.0.0.7");
    assertThat(proxies.resolve(request)).isEqualTo("10.0.0.7");
  }

  @Test
  void aQuotedForwardedValueCannotHideAnotherElement() {
    TestRequest request =
        TestRequest.from("192.0.2.1").header("Forwarded", "for=\"x;, for=6.6.6.6;\", for=10.0.0.3");
    assertThat(rfc7239.resolve(request)).isEqualTo("10.0.0.3");
  }

  @Test
  void whenEveryHopIsTrustedTheLeftmostIsTheClient() {
    TestRequest request =
        TestRequest.from("10.0.0.5").header("X-Forwarded-For", "10.0.0.1, 10.0.0.2");
    assertThat(proxies.resolve(request)).isEqualTo("10.0.0.1");
  }

  @Test
  void readsABoundedNumberOfHops() {
    String many = "203.0.113.1, " + "10.0.0.1, ".repeat(10_000) + "10.0.0.2";
    TestRequest request = TestRequest.from("10.0.0.5").header("X-Forwarded-For", many);
    assertThat(proxies.resolve(request)).isEqualTo("10.0.0.1");
    TestRequest lines = TestRequest.from("10.0.0.5");
    for (int i = 0; i < 1_000; i++) {
      lines.header("X-Forwarded-For", "10.0.0.1");
    }
    assertThat(proxies.resolve(lines)).isEqualTo("10.0.0.1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "10.0.0.0/33", "10.0.0/8", "1.2.3.4/x", "256.1.1.1", "::g"})
  void rejectsTrustedProxiesThatAreNotAddresses(String entry) {
    assertThatThrownBy(() -> ClientAddress.of(entry, "X-Forwarded-For", 64))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trusted proxy \"" + entry + "\" is not an IP address or CIDR range");
  }

  @Test
  void configurationErrorsNameTheKeyTheValueAndItsSource() {
    assertThatThrownBy(
            () -> ClientAddress.from(config(Map.of("ratelimit.trusted-proxies", "10.0.0.0/33"))))
        .hasMessageStartingWith(
            "configuration ratelimit.trusted-proxies=\"10.0.0.0/33\" (from code):");
    assertThatThrownBy(
            () ->
                ClientAddress.from(
                    config(Map.of("ratelimit.forwarded-header", "Forwarded, X-Forwarded-For"))))
        .hasMessageStartingWith(
            "configuration ratelimit.forwarded-header=\"Forwarded, X-Forwarded-For\"")
        .hasMessageContaining("one header");
    assertThatThrownBy(() -> ClientAddress.from(config(Map.of("ratelimit.ipv6-prefix", "129"))))
        .hasMessageStartingWith("configuration ratelimit.ipv6-prefix=\"129\" (from code)")
        .hasMessageContaining("from 1 to 128");
    assertThatThrownBy(
            () -> ClientAddress.from(config(Map.of("ratelimit.ipv6-prefix", "sixty-four"))))
        .hasMessageContaining("ratelimit.ipv6-prefix=\"sixty-four\"");
  }

  @Test
  void parsesOnlyLiterals() {
    assertThat(IpAddresses.literal("127.0.0.1")).containsExactly(127, 0, 0, 1);
    assertThat(IpAddresses.literal("::1")).hasSize(16);
    assertThat(IpAddresses.literal("::ffff:127.0.0.1")).containsExactly(127, 0, 0, 1);
    assertThat(IpAddresses.literal("example.com")).isNull();
    assertThat(IpAddresses.literal("1.2.3")).isNull();
    assertThat(IpAddresses.literal("01234.1.1.1")).isNull();
  }
}
