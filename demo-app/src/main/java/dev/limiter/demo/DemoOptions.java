/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo;

import dev.limiter.failover.FailureMode;
import dev.limiter.http.HeaderDialect;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's command line.
 *
 * @param host the address to bind, {@code 127.0.0.1} by default
 * @param port the HTTP port, 8080 by default, 0 for any free port
 * @param headers the header dialect, {@code both} by default
 * @param store {@code caffeine} (the default) or {@code hazelcast}
 * @param hazelcastPort the embedded Hazelcast member's port, 5701 by default
 * @param hazelcastMembers the members to join, {@code host:port}; empty means only this member
 * @param onStoreFailure what the Hazelcast store does when the cluster cannot answer, {@code local}
 *     by default
 */
record DemoOptions(
    String host,
    int port,
    HeaderDialect headers,
    String store,
    int hazelcastPort,
    List<String> hazelcastMembers,
    FailureMode onStoreFailure) {

  static final String USAGE =
      "usage: java -jar demo-app/target/demo-app.jar [--port N] [--host ADDRESS]"
          + " [--headers x|ietf|draft6|both|none] [--store caffeine|hazelcast]"
          + " [--hazelcast-port P] [--hazelcast-members HOST:PORT,...]"
          + " [--on-store-failure open|closed|local]";

  DemoOptions {
    hazelcastMembers = List.copyOf(hazelcastMembers);
  }

  static DemoOptions defaults() {
    return new DemoOptions(
        "127.0.0.1",
        8080,
        HeaderDialect.BOTH,
        "caffeine",
        5701,
        List.of(),
        FailureMode.LOCAL_FALLBACK);
  }

  /**
   * Parses the arguments.
   *
   * @throws IllegalArgumentException with a message and the usage when an argument is wrong
   */
  static DemoOptions parse(List<String> args) {
    DemoOptions d = defaults();
    String host = d.host;
    int port = d.port;
    HeaderDialect headers = d.headers;
    String store = d.store;
    int hazelcastPort = d.hazelcastPort;
    List<String> members = d.hazelcastMembers;
    FailureMode onStoreFailure = d.onStoreFailure;
    boolean clusterFlags = false;
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      if (flag.equals("--help") || flag.equals("-h")) {
        throw new IllegalArgumentException(USAGE);
      }
      if (i + 1 >= args.size()) {
        // every flag takes a value, and the usage shows every flag: one it does not show is unknown
        String problem =
            USAGE.contains("[" + flag + " ") ? flag + " needs a value" : "unknown option " + flag;
        throw new IllegalArgumentException(problem + "\n" + USAGE);
      }
      String value = args.get(++i);
      switch (flag) {
        case "--port" -> port = port("--port", value);
        case "--host" -> host = value;
        case "--headers" -> headers = headers(value);
        case "--store" -> store = store(value);
        case "--hazelcast-port" -> {
          hazelcastPort = port("--hazelcast-port", value);
          clusterFlags = true;
        }
        case "--hazelcast-members" -> {
          members = members(value);
          clusterFlags = true;
        }
        case "--on-store-failure" -> {
          onStoreFailure = failureMode(value);
          clusterFlags = true;
        }
        default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
      }
    }
    if (clusterFlags && !store.equals("hazelcast")) {
      throw new IllegalArgumentException(
          "--hazelcast-port, --hazelcast-members and --on-store-failure need --store hazelcast\n"
              + USAGE);
    }
    return new DemoOptions(host, port, headers, store, hazelcastPort, members, onStoreFailure);
  }

  private static HeaderDialect headers(String value) {
    try {
      return HeaderDialect.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--headers: " + e.getMessage() + "\n" + USAGE, e);
    }
  }

  private static String store(String value) {
    String store = value.toLowerCase(Locale.ROOT);
    if (!store.equals("caffeine") && !store.equals("hazelcast")) {
      throw new IllegalArgumentException(
          "--store must be caffeine or hazelcast, was \"" + value + "\"\n" + USAGE);
    }
    return store;
  }

  private static FailureMode failureMode(String value) {
    try {
      return FailureMode.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--on-store-failure: " + e.getMessage() + "\n" + USAGE, e);
    }
  }

  private static List<String> members(String value) {
    List<String> members = new ArrayList<>();
    for (String member : value.split(",", -1)) {
      String address = member.strip();
      int colon = address.lastIndexOf(':');
      boolean valid = colon > 0 && colon < address.length() - 1;
      if (valid) {
        try {
          int port = Integer.parseInt(address.substring(colon + 1));
          valid = port > 0 && port <= 65535;
        } catch (NumberFormatException e) {
          valid = false;
        }
      }
      if (!valid) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "--hazelcast-members takes HOST:PORT,HOST:PORT, such as"
                    + " 127.0.0.1:5701,127.0.0.1:5702; \"%s\" is not HOST:PORT\n"
                    + "%s",
                address,
                USAGE));
      }
      members.add(address);
    }
    return members;
  }

  private static int port(String flag, String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        String.format(
            Locale.ROOT,
            "%s must be a number from 0 to 65535, was \"%s\"\n%s",
            flag,
            value,
            USAGE));
  }
}
