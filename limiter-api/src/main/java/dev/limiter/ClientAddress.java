/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Finds the client's address and turns it into the key of the {@code ip} part: the socket peer, or,
 * when the peer is a trusted proxy, the nearest untrusted hop of the one configured forwarding
 * header.
 *
 * <p>The header is {@code X-Forwarded-For} unless {@code ratelimit.forwarded-header} names another:
 * {@code Forwarded} (RFC 7239, its {@code for=} parameters), or any header in the form of {@code
 * X-Forwarded-For} (addresses separated by commas), such as {@code CF-Connecting-IP}. Only that
 * header is read, never another beside it, so a client cannot choose its address by sending the
 * header its proxy passes through. Every line of it counts, in the order received (a proxy may add
 * a line of its own rather than append to the client's), and hops are walked from the right, past
 * trusted proxies, at most {@value #MAX_HOPS} of them.
 *
 * <p>Addresses are parsed, never resolved (no DNS lookup happens on a request), and normalized
 * before they become keys: IPv4-mapped IPv6 addresses as IPv4, IPv6 in its canonical text (RFC
 * 5952), an IPv6 client by its prefix ({@code ratelimit.ipv6-prefix}, 64 by default, since one
 * subscriber commonly holds a whole /64: {@code 2001:db8:1:2::/64}; 128 keys each address). A hop
 * that is not an address (garbage, {@code unknown}, an obfuscated identifier) never becomes a key:
 * the walk stops at the last hop a trusted proxy vouched for.
 */
final class ClientAddress {

  static final int MAX_HOPS = 32;
  static final String TRUSTED_PROXIES_KEY = "ratelimit.trusted-proxies";
  static final String HEADER_KEY = "ratelimit.forwarded-header";
  static final String IPV6_PREFIX_KEY = "ratelimit.ipv6-prefix";
  static final String DEFAULT_HEADER = "X-Forwarded-For";
  static final int DEFAULT_IPV6_PREFIX = 64;

  private final Networks trustedProxies;
  private final String header;
  private final boolean rfc7239;
  private final int ipv6Prefix;

  private ClientAddress(Networks trustedProxies, String header, int ipv6Prefix) {
    this.trustedProxies = trustedProxies;
    this.header = header;
    this.rfc7239 = header.equalsIgnoreCase("Forwarded");
    this.ipv6Prefix = ipv6Prefix;
  }

  /**
   * Reads {@code ratelimit.trusted-proxies}, {@code ratelimit.forwarded-header} and {@code
   * ratelimit.ipv6-prefix}.
   *
   * @throws IllegalArgumentException naming the key, its value and where it came from
   */
  static ClientAddress from(RateLimitConfig config) {
    String header = config.get(HEADER_KEY, DEFAULT_HEADER);
    if (!isFieldName(header)) {
      throw new IllegalArgumentException(
          "configuration "
              + config.describe(HEADER_KEY)
              + " is not the name of one header; use X-Forwarded-For (the default), Forwarded, or"
              + " the one header your proxy sets, such as CF-Connecting-IP");
    }
    long prefix;
    try {
      prefix = Long.parseLong(config.get(IPV6_PREFIX_KEY, Integer.toString(DEFAULT_IPV6_PREFIX)));
    } catch (NumberFormatException e) {
      prefix = -1;
    }
    if (prefix < 1 || prefix > 128) {
      throw new IllegalArgumentException(
          "configuration "
              + config.describe(IPV6_PREFIX_KEY)
              + " is not a prefix length from 1 to"
              + " 128; IPv6 clients are keyed by their first that many bits (64 by default, 128 for"
              + " each address)");
    }
    try {
      return of(config.get(TRUSTED_PROXIES_KEY, ""), header, (int) prefix);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "configuration " + config.describe(TRUSTED_PROXIES_KEY) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Returns the finder for these settings.
   *
   * @param trustedProxies addresses and CIDR ranges, separated by commas
   * @param header the forwarding header to read from trusted proxies
   * @param ipv6Prefix how many leading bits of an IPv6 address make its key, 1 to 128
   * @throws IllegalArgumentException naming an entry that is not an IP address or CIDR range
   */
  static ClientAddress of(String trustedProxies, String header, int ipv6Prefix) {
    return new ClientAddress(Networks.parse(trustedProxies, "trusted proxy"), header, ipv6Prefix);
  }

  /** Returns the key of the client of {@code request}; the peer's text when it is no address. */
  String resolve(RequestView request) {
    byte[] client = address(request);
    return client == null ? request.remoteAddress() : key(client);
  }

  /**
   * Returns the client's address as {@link #resolve} finds it, whole (not cut to the IPv6 prefix),
   * or null when the peer is not an IP literal.
   */
  byte @Nullable [] address(RequestView request) {
    String peerText = request.remoteAddress();
    byte[] peer = IpAddresses.parse(peerText, true);
    if (peer == null) {
      return null; // not an IP literal (the container's own form): as the container says
    }
    if (trustedProxies.isEmpty() || !trustedProxies.contains(peer)) {
      return peer;
    }
    byte[] client = peer;
    List<String> lines = request.headers(header);
    int budget = 4 * MAX_HOPS; // elements looked at, empty ones included
    int hops = 0;
    for (int line = lines.size() - 1; line >= 0 && hops < MAX_HOPS && budget > 0; line--) {
      String value = lines.get(line);
      int end = value.length();
      while (end >= 0 && hops < MAX_HOPS && budget-- > 0) {
        int start = elementStart(value, end);
        String element = value.substring(start, end).strip();
        end = start - 1;
        if (element.isEmpty()) {
          continue; // an empty list element means nothing (RFC 9110, 5.6.1)
        }
        hops++;
        byte[] hop = IpAddresses.parse(rfc7239 ? forParameter(element) : element, false);
        if (hop == null) {
          return client; // not an address: stop at the last hop a trusted proxy vouched for
        }
        client = hop;
        if (!trustedProxies.contains(hop)) {
          return hop;
        }
      }
    }
    return client;
  }

  /**
   * Returns where the list element that ends at {@code end} starts: after the nearest comma to its
   * left, or 0. Read from the right, as the hops are, so that what the nearest proxy appended is
   * read as it wrote it whatever a client put further left; for {@code Forwarded}, commas inside a
   * quoted string do not separate elements.
   */
  private int elementStart(String value, int end) {
    boolean quoted = false;
    for (int i = end - 1; i >= 0; i--) {
      char c = value.charAt(i);
      if (c == ',' && !quoted) {
        return i + 1;
      }
      if (rfc7239 && c == '"' && !escaped(value, i)) {
        quoted = !quoted;
      }
    }
    return 0;
  }

  /** Whether the character at {@code i} follows an odd number of backslashes. */
  private static boolean escaped(String value, int i) {
    int backslashes = 0;
    while (i - backslashes - 1 >= 0 && value.charAt(i - backslashes - 1) == '\\') {
      backslashes++;
    }
    return backslashes % 2 == 1;
  }

  /** The node of an RFC 7239 element's {@code for} parameter, unquoted; empty when it has none. */
  private static String forParameter(String element) {
    int start = 0;
    while (start <= element.length()) {
      int end = parameterEnd(element, start);
      String pair = element.substring(start, end).strip();
      if (pair.regionMatches(true, 0, "for=", 0, 4)) {
        return unquote(pair.substring(4).strip());
      }
      start = end + 1;
    }
    return "";
  }

  /** The end of the parameter that starts at {@code start}: the next {@code ;} outside quotes. */
  private static int parameterEnd(String element, int start) {
    boolean quoted = false;
    for (int i = start; i < element.length(); i++) {
      char c = element.charAt(i);
      if (quoted && c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ';' && !quoted) {
        return i;
      }
    }
    return element.length();
  }

  /** A quoted-string's content with its escapes undone; a token as it is; "" when malformed. */
  private static String unquote(String value) {
    if (value.isEmpty() || value.charAt(0) != '"') {
      return value.indexOf('"') < 0 && value.indexOf('\\') < 0 ? value : "";
    }
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        out.append(value.charAt(++i));
      } else if (c == '"') {
        return i == value.length() - 1 ? out.toString() : "";
      } else {
        out.append(c);
      }
    }
    return ""; // no closing quote
  }

  /** The key of an address: IPv4 dotted, IPv6 canonical, cut to the configured prefix. */
  private String key(byte[] address) {
    if (address.length == 4) {
      return (address[0] & 0xFF)
          + "."
          + (address[1] & 0xFF)
          + "."
          + (address[2] & 0xFF)
          + "."
          + (address[3] & 0xFF);
    }
    if (ipv6Prefix >= 128) {
      return IpAddresses.canonical(address);
    }
    byte[] masked = address.clone();
    for (int bit = ipv6Prefix; bit < 128; bit++) {
      masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return IpAddresses.canonical(masked) + "/" + ipv6Prefix;
  }

  /** Whether {@code name} is one header field name (an RFC 9110 token), not a list. */
  private static boolean isFieldName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean token =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!token) {
        return false;
      }
    }
    return true;
  }
}
