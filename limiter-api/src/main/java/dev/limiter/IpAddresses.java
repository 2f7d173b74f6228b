/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import org.jspecify.annotations.Nullable;

/**
 * IP address literals as clients and proxies write them: parsed without name lookups ({@code
 * InetAddress} would resolve a host name), and written back in one canonical form so that one
 * address is one key.
 */
final class IpAddresses {

  private IpAddresses() {}

  /**
   * Parses a hop or a peer: an IPv4 or IPv6 literal, IPv6 optionally in brackets, either with a
   * port ({@code 1.2.3.4:80}, {@code [::1]:443}); a peer may also carry an IPv6 zone ({@code
   * fe80::1%eth0}), which is dropped. Returns 4 bytes for IPv4 and IPv4-mapped IPv6, 16 for other
   * IPv6, null for anything else.
   */
  static byte @Nullable [] parse(String text, boolean peer) {
    String address = text;
    if (address.startsWith("[")) {
      int close = address.indexOf(']');
      if (close < 0 || !validPort(address.substring(close + 1), true)) {
        return null;
      }
      address = address.substring(1, close);
    } else {
      int colon = address.indexOf(':');
      if (colon > 0 && colon == address.lastIndexOf(':')) { // IPv4 with a port
        if (!validPort(address.substring(colon), false)) {
          return null;
        }
        address = address.substring(0, colon);
      }
    }
    int zone = address.indexOf('%');
    if (zone >= 0) {
      if (!peer) {
        return null;
      }
      address = address.substring(0, zone);
    }
    return literal(address);
  }

  /** "" (no port), or ":" and 1 to 5 digits up to 65535; "" only where brackets allow it. */
  private static boolean validPort(String rest, boolean empty) {
    if (rest.isEmpty()) {
      return empty;
    }
    if (rest.charAt(0) != ':' || rest.length() < 2 || rest.length() > 6) {
      return false;
    }
    int port = 0;
    for (int i = 1; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      port = port * 10 + (c - '0');
    }
    return port <= 65535;
  }

  /** Parses an IPv4 or IPv6 literal (4 bytes for IPv4-mapped IPv6); null for anything else. */
  static byte @Nullable [] literal(String text) {
    if (text.isEmpty() || text.length() > 45) {
      return null;
    }
    if (text.indexOf(':') < 0) {
      return ipv4(text);
    }
    byte[] address = ipv6(text);
    if (address != null && isMapped(address)) {
      byte[] v4 = new byte[4];
      System.arraycopy(address, 12, v4, 0, 4);
      return v4;
    }
    return address;
  }

  private static boolean isMapped(byte[] address) {
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return false;
      }
    }
    return address[10] == (byte) 0xFF && address[11] == (byte) 0xFF;
  }

  private static byte @Nullable [] ipv4(String text) {
    byte[] address = new byte[4];
    int octet = 0;
    int digits = 0;
    int value = 0;
    for (int i = 0; i <= text.length(); i++) {
      char c = i < text.length() ? text.charAt(i) : '.';
      if (c >= '0' && c <= '9') {
        value = value * 10 + (c - '0');
        if (++digits > 3 || value > 255) {
          return null;
        }
      } else if (c == '.' && digits > 0 && octet < 4) {
        address[octet++] = (byte) value;
        digits = 0;
        value = 0;
      } else {
        return null;
      }
    }
    return octet == 4 ? address : null;
  }

  /**
   * Parses eight groups of 1 to 4 hex digits, one {@code ::} at most, the last 32 bits maybe
   * dotted.
   */
  private static byte @Nullable [] ipv6(String text) {
    int[] groups = new int[8];
    int count = 0;
    int gap = -1;
    int i = 0;
    int length = text.length();
    if (text.startsWith("::")) {
      gap = 0;
      i = 2;
      if (length == 2) {
        return new byte[16];
      }
    } else if (text.charAt(0) == ':') {
      return null;
    }
    while (i < length) {
      if (count == 8) {
        return null;
      }
      int start = i;
      int value = 0;
      while (i < length && text.charAt(i) < 128 && Character.digit(text.charAt(i), 16) >= 0) {
        value = (value << 4) | Character.digit(text.charAt(i), 16);
        if (++i - start > 4) {
          return null;
        }
      }
      if (i < length && text.charAt(i) == '.') { // the last 32 bits as IPv4
        byte[] v4 = count <= 6 ? ipv4(text.substring(start)) : null;
        if (v4 == null) {
          return null;
        }
        groups[count++] = ((v4[0] & 0xFF) << 8) | (v4[1] & 0xFF);
        groups[count++] = ((v4[2] & 0xFF) << 8) | (v4[3] & 0xFF);
        i = length;
        break;
      }
      if (i == start) {
        return null;
      }
      groups[count++] = value;
      if (i == length) {
        break;
      }
      if (text.charAt(i) != ':') {
        return null;
      }
      i++;
      if (i < length && text.charAt(i) == ':') {
        if (gap >= 0) {
          return null; // a second ::
        }
        gap = count;
        i++;
      } else if (i == length) {
        return null; // ends in a single colon
      }
    }
    if (gap < 0 ? count != 8 : count > 7) {
      return null;
    }
    byte[] address = new byte[16];
    int tail = gap < 0 ? 0 : count - gap;
    for (int g = 0; g < count; g++) {
      int at = gap >= 0 && g >= gap ? 8 - tail + (g - gap) : g;
      address[2 * at] = (byte) (groups[g] >>> 8);
      address[2 * at + 1] = (byte) groups[g];
    }
    return address;
  }

  /**
   * RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero groups as ::.
   */
  static String canonical(byte[] address) {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((address[2 * i] & 0xFF) << 8) | (address[2 * i + 1] & 0xFF);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder out = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }
}
