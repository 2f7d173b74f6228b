package dev.limiter;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Finds the client's address: the socket peer, or, when the peer is a trusted proxy, the first
 * untrusted hop of {@code Forwarded} (RFC 7239) or {@code X-Forwarded-For}, read right to left.
 *
 * <p>Only IP literals are ever parsed (never a host name, so no DNS lookup happens on a request),
 * and at most {@value #MAX_HOPS} hops are read.
 */
final class ClientAddress {

  static final int MAX_HOPS = 32;

  private final List<byte[]> networks = new ArrayList<>();
  private final List<Integer> prefixes = new ArrayList<>();

  private ClientAddress() {}

  /**
   * Parses a comma-separated list of trusted proxies: addresses and CIDR ranges.
   *
   * @throws IllegalArgumentException naming an entry that is not an IP address or CIDR range
   */
  static ClientAddress trusting(String trustedProxies) {
    ClientAddress result = new ClientAddress();
    for (String entry : trustedProxies.split(",")) {
      String item = entry.strip();
      if (item.isEmpty()) {
        continue;
      }
      int slash = item.indexOf('/');
      byte[] address = literal(slash < 0 ? item : item.substring(0, slash));
      int prefix = address == null ? -1 : address.length * 8;
      if (address != null && slash >= 0) {
        try {
          prefix = Integer.parseInt(item.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
      }
      if (address == null || prefix < 0 || prefix > address.length * 8) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "trusted proxy \"%s\" is not an IP address or CIDR range such as 10.0.0.0/8 or ::1",
                item));
      }
      result.networks.add(address);
      result.prefixes.add(prefix);
    }
    return result;
  }

  /** Returns the client address of {@code request}. */
  String resolve(RequestView request) {
    String peer = request.remoteAddress();
    if (networks.isEmpty() || !trusted(literal(peer))) {
      return peer;
    }
    String client = peer;
    for (String hop : hopsRightToLeft(request)) {
      byte[] address = literal(hop);
      if (address == null) {
        return client; // garbage in the chain: stop at the last hop a trusted proxy vouched for
      }
      client = hop;
      if (!trusted(address)) {
        return hop;
      }
    }
    return client;
  }

  /** The forwarded hops, nearest first, at most {@value #MAX_HOPS} of them. */
  private static List<String> hopsRightToLeft(RequestView request) {
    String value = request.header("Forwarded");
    boolean rfc7239 = value != null;
    if (value == null) {
      value = request.header("X-Forwarded-For");
    }
    List<String> hops = new ArrayList<>();
    int end = value == null ? -1 : value.length();
    while (end >= 0 && hops.size() < MAX_HOPS) {
      int comma = value.lastIndexOf(',', end - 1);
      String element = value.substring(comma + 1, end);
      hops.add(rfc7239 ? forParameter(element) : stripPort(element.strip()));
      end = comma;
    }
    return hops;
  }

  private static String forParameter(String element) {
    for (String pair : element.split(";", 8)) {
      String p = pair.strip();
      if (p.regionMatches(true, 0, "for=", 0, 4)) {
        return stripPort(unquote(p.substring(4).strip()));
      }
    }
    return "";
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1)
        : value;
  }

  private static String stripPort(String hop) {
    if (hop.startsWith("[")) {
      int close = hop.indexOf(']');
      return close > 0 ? hop.substring(1, close) : hop;
    }
    int colon = hop.indexOf(':');
    return colon > 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
  }

  private boolean trusted(byte @Nullable [] address) {
    if (address == null) {
      return false;
    }
    for (int i = 0; i < networks.size(); i++) {
      if (matches(networks.get(i), prefixes.get(i), address)) {
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

  /** Parses an IPv4 or IPv6 literal; null for anything else. Never resolves a name. */
  static byte @Nullable [] literal(String text) {
    if (text.isEmpty() || text.length() > 45) {
      return null;
    }
    if (text.indexOf(':') >= 0) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        boolean ok = c == ':' || c == '.' || Character.digit(c, 16) >= 0;
        if (!ok) {
          return null;
        }
      }
      try {
        byte[] address = InetAddress.getByName(text).getAddress(); // a literal: no lookup
        return address;
      } catch (UnknownHostException e) {
        return null;
      }
    }
    String[] octets = text.split("\\.", -1);
    if (octets.length != 4) {
      return null;
    }
    byte[] address = new byte[4];
    for (int i = 0; i < 4; i++) {
      String octet = octets[i];
      if (octet.isEmpty() || octet.length() > 3) {
        return null;
      }
      int value = 0;
      for (int j = 0; j < octet.length(); j++) {
        char c = octet.charAt(j);
        if (c < '0' || c > '9') {
          return null;
        }
        value = value * 10 + (c - '0');
      }
      if (value > 255) {
        return null;
      }
      address[i] = (byte) value;
    }
    return address;
  }
}
