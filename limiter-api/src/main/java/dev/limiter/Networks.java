/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A list of IP addresses and CIDR ranges, such as trusted proxies or exempt networks. */
final class Networks {

  private final List<byte[]> networks;
  private final int[] prefixes;

  private Networks(List<byte[]> networks, int[] prefixes) {
    this.networks = networks;
    this.prefixes = prefixes;
  }

  /**
   * Parses addresses and CIDR ranges separated by commas, such as {@code 10.0.0.0/8, ::1}; an
   * IPv4-mapped range ({@code ::ffff:10.0.0.0/104}) means its IPv4 range.
   *
   * @param list the entries; empty entries are skipped
   * @param what what an entry is, for the message: {@code trusted proxy}, {@code exempt address}
   * @throws IllegalArgumentException naming an entry that is not an IP address or CIDR range
   */
  static Networks parse(String list, String what) {
    List<byte[]> networks = new ArrayList<>();
    List<Integer> prefixes = new ArrayList<>();
    for (String entry : list.split(",", -1)) {
      String item = entry.strip();
      if (item.isEmpty()) {
        continue;
      }
      int slash = item.indexOf('/');
      String text = slash < 0 ? item : item.substring(0, slash);
      if (text.length() > 2 && text.startsWith("[") && text.endsWith("]")) {
        text = text.substring(1, text.length() - 1);
      }
      byte[] address = IpAddresses.literal(text);
      int prefix = -1;
      if (address != null) {
        boolean mapped = address.length == 4 && text.indexOf(':') >= 0; // ::ffff:10.0.0.0/104
        int bits = mapped ? 128 : address.length * 8;
        prefix = slash < 0 ? bits : prefixLength(item.substring(slash + 1), bits);
        if (mapped && prefix >= 0) {
          prefix = prefix >= 96 ? prefix - 96 : -1;
        }
      }
      if (address == null || prefix < 0) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "%s \"%s\" is not an IP address or CIDR range such as 10.0.0.0/8 or ::1",
                what,
                item));
      }
      networks.add(address);
      prefixes.add(prefix);
    }
    int[] lengths = new int[prefixes.size()];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = prefixes.get(i);
    }
    return new Networks(List.copyOf(networks), lengths);
  }

  boolean isEmpty() {
    return networks.isEmpty();
  }

  /** Whether {@code address} (4 or 16 bytes) is in one of the networks. */
  boolean contains(byte[] address) {
    for (int i = 0; i < prefixes.length; i++) {
      if (matches(networks.get(i), prefixes[i], address)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(byte[] network, int prefix, byte[] address) {
    if (network.length != address.length) {
      return false;
    }
    int whole = prefix / 8;
    for (int i = 0; i < whole; i++) {
      if (network[i] != address[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xFF << (8 - rest);
    return (network[whole] & mask) == (address[whole] & mask);
  }

  private static int prefixLength(String text, int bits) {
    if (text.isEmpty() || text.length() > 3) {
      return -1;
    }
    int value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value <= bits ? value : -1;
  }
}
