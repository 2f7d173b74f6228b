package dev.limiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientAddressTest {

  private final ClientAddress proxies = ClientAddress.trusting("10.0.0.0/8, 192.0.2.1, ::1");

  @Test
  void withoutTrustedProxiesThePeerIsTheClient() {
    ClientAddress none = ClientAddress.trusting("");
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

  @Test
  void readsForwardedFirst() {
    TestRequest request =
        TestRequest.from("192.0.2.1")
            .header("Forwarded", "for=6.6.6.6, for=\"[2001:db8:cafe::17]:4711\";proto=https, for=10.9.9.9")
            .header("X-Forwarded-For", "7.7.7.7");
    assertThat(proxies.resolve(request)).isEqualTo("2001:db8:cafe::17");
  }

  @Test
  void stripsIpv4Ports() {
    TestRequest request = TestRequest.from("::1").header("Forwarded", "for=203.0.113.9:5555");
    assertThat(proxies.resolve(request)).isEqualTo("203.0.113.9");
  }

  @Test
  void garbageInTheChainStopsAtTheLastTrustedHop() {
    TestRequest request =
        TestRequest.from("10.0.0.5").header("X-Forwarded-For", "203.0.113.9, evil.example.com, 10.0.0.7");
    assertThat(proxies.resolve(request)).isEqualTo("10.0.0.7");
    TestRequest control = TestRequest.from("10.0.0.5").header("X-Forwarded-For", "1.2.3.4\r\nX: y");
    assertThat(proxies.resolve(control)).isEqualTo("10.0.0.5");
  }

  @Test
  void whenEveryHopIsTrustedTheLeftmostIsTheClient() {
    TestRequest request = TestRequest.from("10.0.0.5").header("X-Forwarded-For", "10.0.0.1, 10.0.0.2");
    assertThat(proxies.resolve(request)).isEqualTo("10.0.0.1");
  }

  @Test
  void readsABoundedNumberOfHops() {
    String many = "203.0.113.1, " + "10.0.0.1, ".repeat(10_000) + "10.0.0.2";
    TestRequest request = TestRequest.from("10.0.0.5").header("X-Forwarded-For", many);
    assertThat(proxies.resolve(request)).isEqualTo("10.0.0.1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "10.0.0.0/33", "10.0.0/8", "1.2.3.4/x", "256.1.1.1", "::g"})
  void rejectsTrustedProxiesThatAreNotAddresses(String entry) {
    assertThatThrownBy(() -> ClientAddress.trusting(entry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trusted proxy \"" + entry + "\" is not an IP address or CIDR range");
  }

  @Test
  void parsesOnlyLiterals() {
    assertThat(ClientAddress.literal("127.0.0.1")).containsExactly(127, 0, 0, 1);
    assertThat(ClientAddress.literal("::1")).hasSize(16);
    assertThat(ClientAddress.literal("example.com")).isNull();
    assertThat(ClientAddress.literal("1.2.3")).isNull();
    assertThat(ClientAddress.literal("01234.1.1.1")).isNull();
  }
}
