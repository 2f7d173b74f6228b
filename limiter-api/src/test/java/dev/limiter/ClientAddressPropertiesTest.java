/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.testing.CampaignReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The forwarding-header walk and the address normalizer against random addresses, random ways of
 * writing them and whatever a client puts in front of them. A client never chooses its key, every
 * spelling of one address is one key, and nothing a client sends makes the walk throw, hang or
 * produce a key that is not an address. Part of the campaign in RELIABILITY.md.
 */
class ClientAddressPropertiesTest {

  private static final AtomicLong TRIES = new AtomicLong();

  @AfterContainer
  static void report() {
    CampaignReport.of("properties")
        .with("class", "ClientAddressPropertiesTest")
        .with("tries", TRIES.get())
        .with("failures", 0)
        .write();
  }

  private static final long SLOW_NANOS = Duration.ofMillis(200).toNanos();
  private static final String TRUSTED = "10.0.0.0/8, fd00::/8";

  @Provide
  Arbitrary<byte[]> addresses() {
    Arbitrary<byte[]> v4 = Arbitraries.bytes().array(byte[].class).ofSize(4);
    Arbitrary<byte[]> v6 = Arbitraries.bytes().array(byte[].class).ofSize(16);
    Arbitrary<byte[]> sparse =
        Arbitraries.integers()
            .between(0, 255)
            .list()
            .ofSize(16)
            .map(
                list -> {
                  byte[] address = new byte[16];
                  for (int i = 0; i < 16; i++) {
                    address[i] = (byte) (list.get(i) < 200 ? 0 : list.get(i)); // long runs of zeros
                  }
                  return address;
                });
    return Arbitraries.oneOf(v4, v6, sparse);
  }

  /** One way of writing an address: case, leading zeros, where :: goes, mapped IPv4, ports. */
  private static String spell(byte[] address, int style, boolean hop) {
    String text;
    if (address.length == 4) {
      String dotted =
          (address[0] & 0xFF)
              + "."
              + (address[1] & 0xFF)
              + "."
              + (address[2] & 0xFF)
              + "."
              + (address[3] & 0xFF);
      text =
          switch (style % 3) {
            case 0 -> dotted;
            case 1 -> "::ffff:" + dotted;
            default ->
                String.format(
                    Locale.ROOT,
                    "::FFFF:%02x%02x:%02X%02X",
                    address[0] & 0xFF,
                    address[1] & 0xFF,
                    address[2] & 0xFF,
                    address[3] & 0xFF);
          };
    } else {
      StringBuilder full = new StringBuilder();
      for (int i = 0; i < 8; i++) {
        int group = ((address[2 * i] & 0xFF) << 8) | (address[2 * i + 1] & 0xFF);
        full.append(i == 0 ? "" : ":")
            .append(String.format(Locale.ROOT, style % 2 == 0 ? "%04x" : "%x", group));
      }
      text =
          switch (style % 3) {
            case 0 -> full.toString();
            case 1 -> full.toString().toUpperCase(Locale.ROOT);
            default -> IpAddresses.canonical(address);
          };
    }
    if (hop && style % 5 == 4) {
      return text.indexOf(':') >= 0
          ? "[" + text + "]:" + (style * 7 % 65536)
          : text + ":" + (style * 7 % 65536);
    }
    return text;
  }

  private static boolean mapped(byte[] address) {
    if (address.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return false;
      }
    }
    return address[10] == (byte) 0xFF && address[11] == (byte) 0xFF;
  }

  private static String expectedKey(byte[] address) {
    byte[] bytes = address;
    if (mapped(address)) {
      bytes = java.util.Arrays.copyOfRange(address, 12, 16);
    }
    if (bytes.length == 4) {
      return (bytes[0] & 0xFF)
          + "."
          + (bytes[1] & 0xFF)
          + "."
          + (bytes[2] & 0xFF)
          + "."
          + (bytes[3] & 0xFF);
    }
    return java.net.InetAddress.getLoopbackAddress() == null ? "" : canonicalByJdk(bytes);
  }

  /** RFC 5952 text from an independent construction: the JDK's full form, then compressed. */
  private static String canonicalByJdk(byte[] bytes) {
    try {
      String full = java.net.InetAddress.getByAddress(bytes).getHostAddress(); // 8 groups, no ::
      String[] groups = full.split(":");
      int bestStart = -1;
      int bestLength = 1;
      for (int i = 0; i < 8; i++) {
        int j = i;
        while (j < 8 && groups[j].equals("0")) {
          j++;
        }
        if (j - i > bestLength) {
          bestStart = i;
          bestLength = j - i;
        }
      }
      if (bestStart < 0) {
        return full;
      }
      String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
      String tail =
          String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, 8));
      return head + "::" + tail;
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Property
  void everySpellingOfAnAddressIsOneKey(
      @ForAll("addresses") byte[] address, @ForAll @IntRange(max = 99) int style) {
    TRIES.incrementAndGet();
    ClientAddress exact = ClientAddress.of("", "X-Forwarded-For", 128);
    String peer = spell(address, style, false);
    assertThat(exact.resolve(TestRequest.from(peer))).as(peer).isEqualTo(expectedKey(address));
  }

  private static boolean trusted(byte[] address) {
    byte[] bytes = mapped(address) ? java.util.Arrays.copyOfRange(address, 12, 16) : address;
    return bytes.length == 4 ? bytes[0] == 10 : (bytes[0] & 0xFF) == 0xfd;
  }

  /** Anything: garbage, quotes, commas, brackets, control characters, addresses, long runs. */
  @Provide
  Arbitrary<String> junk() {
    Arbitrary<String> pieces =
        Arbitraries.oneOf(
            Arbitraries.of(
                "for=",
                "\"",
                ",",
                ";",
                "[",
                "]",
                ":",
                "::",
                "\\",
                " ",
                "unknown",
                "_x",
                "1.2.3.4",
                "203.0.113.9",
                "2001:db8::1",
                "10.0.0.1",
                "for=\"[",
                "]:80\"",
                "\r\n",
                "\u0000",
                "%",
                "::ffff:",
                "9".repeat(40)),
            Arbitraries.strings().ofMaxLength(8));
    return pieces.list().ofMaxSize(20).map(list -> String.join("", list));
  }

  /**
   * Behind trusted proxies, whatever the client writes to the left (or in lines before), the key is
   * the nearest untrusted hop the proxies appended: the client's own address, in any spelling.
   */
  @Property
  void aClientNeverChoosesItsKey(
      @ForAll("addresses") byte[] client,
      @ForAll @IntRange(max = 99) int style,
      @ForAll("junk") String junk,
      @ForAll @IntRange(max = 3) int proxies,
      @ForAll boolean rfc7239,
      @ForAll boolean ownLine) {
    TRIES.incrementAndGet();
    if (trusted(client)) {
      return; // a client inside the trusted ranges is a proxy: it may say who it forwards for
    }
    ClientAddress finder =
        ClientAddress.of(TRUSTED, rfc7239 ? "Forwarded" : "X-Forwarded-For", 128);
    String header = rfc7239 ? "Forwarded" : "X-Forwarded-For";
    String hop = spell(client, style, true);
    String clientElement = rfc7239 ? "for=\"" + hop + "\"" : hop;
    List<String> appended = new ArrayList<>();
    appended.add(clientElement);
    for (int i = 0; i < proxies; i++) {
      appended.add(rfc7239 ? "for=10.0.0." + (i + 1) : "10.0.0." + (i + 1));
    }
    TestRequest request = TestRequest.from("10.9.9.9");
    String tail = String.join(", ", appended);
    if (ownLine) {
      request.header(header, junk).header(header, tail); // HAProxy: a line of its own
    } else {
      request.header(header, junk + ", " + tail); // nginx: appended to the client's
    }
    long start = System.nanoTime();
    String key = finder.resolve(request);
    assertThat(System.nanoTime() - start).isLessThan(SLOW_NANOS);
    assertThat(key).as("%s: %s", header, request.headers(header)).isEqualTo(expectedKey(client));
  }

  @Provide
  Arbitrary<String> peers() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "10.0.0.1", "::1", "[fd00::1]", "fe80::1%eth0", "0:0:0:0:0:0:0:1", "", "localhost"),
        Arbitraries.strings().ofMaxLength(12));
  }

  /**
   * Nothing makes the walk throw or produce a key that is neither the peer's text nor an address.
   */
  @Property
  void anyHeaderAnyPeerGivesAnAddressOrThePeer(
      @ForAll("peers") String peer,
      @ForAll("junk") String first,
      @ForAll("junk") String second,
      @ForAll boolean rfc7239,
      @ForAll @IntRange(min = 1, max = 128) int prefix) {
    TRIES.incrementAndGet();
    ClientAddress finder =
        ClientAddress.of(TRUSTED + ", ::1", rfc7239 ? "Forwarded" : "X-Forwarded-For", prefix);
    String header = rfc7239 ? "Forwarded" : "X-Forwarded-For";
    TestRequest request = TestRequest.from(peer).header(header, first).header(header, second);
    String key = finder.resolve(request);
    if (key.equals(peer)) {
      return; // the peer as the container gave it (not an address)
    }
    String address = key.contains("/") ? key.substring(0, key.indexOf('/')) : key;
    assertThat(IpAddresses.literal(address)).as("key %s", key).isNotNull();
    assertThat(key).doesNotContain(" ", "\"", ",", "[", "%");
  }

  /** Prefix keys: every address of one prefix shares a key, and the key names the prefix. */
  @Property
  void ipv6ClientsOfOnePrefixShareAKey(
      @ForAll("addresses") byte[] a,
      @ForAll("addresses") byte[] b,
      @ForAll @IntRange(min = 1, max = 127) int prefix) {
    TRIES.incrementAndGet();
    if (a.length != 16 || b.length != 16 || mapped(a) || mapped(b)) {
      return;
    }
    byte[] sameNetwork = b.clone();
    for (int bit = 0; bit < prefix; bit++) {
      int mask = 0x80 >>> (bit % 8);
      sameNetwork[bit / 8] = (byte) ((sameNetwork[bit / 8] & ~mask) | (a[bit / 8] & mask));
    }
    if (mapped(sameNetwork)) {
      return;
    }
    ClientAddress finder = ClientAddress.of("", "X-Forwarded-For", prefix);
    String keyA = finder.resolve(TestRequest.from(IpAddresses.canonical(a)));
    String keyB = finder.resolve(TestRequest.from(IpAddresses.canonical(sameNetwork)));
    assertThat(keyA).isEqualTo(keyB).endsWith("/" + prefix);
  }

  @Provide
  Arbitrary<List<String>> manyLines() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 3_000), Arbitraries.of("10.0.0.1", "", " , ,"))
        .as((count, line) -> java.util.Collections.nCopies(count, line));
  }

  /** Thousands of lines or elements are read no further than the hop bound. */
  @Property(tries = 50)
  void theWalkIsBounded(@ForAll("manyLines") List<String> lines) {
    TRIES.incrementAndGet();
    ClientAddress finder = ClientAddress.of(TRUSTED, "X-Forwarded-For", 128);
    TestRequest request = TestRequest.from("10.9.9.9");
    lines.forEach(line -> request.header("X-Forwarded-For", line));
    long start = System.nanoTime();
    String key = finder.resolve(request);
    assertThat(System.nanoTime() - start).isLessThan(SLOW_NANOS);
    assertThat(key).isIn("10.0.0.1", "10.9.9.9");
  }
}
