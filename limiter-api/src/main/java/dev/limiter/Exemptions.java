/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The callers that configuration exempts from a policy, or from every policy: API keys, principals
 * and client addresses. Read from {@code ratelimit.exempt.api-keys}, {@code
 * ratelimit.exempt.principals} and {@code ratelimit.exempt.addresses}, and the same keys under
 * {@code ratelimit.<policy>.}; the client address is the one {@code ip} keys on (so a forwarded
 * address counts only through a trusted proxy).
 */
final class Exemptions {

  static final Exemptions NONE = new Exemptions(Set.of(), Set.of(), Networks.parse("", ""));

  private final Set<String> apiKeys;
  private final Set<String> principals;
  private final Networks addresses;

  private Exemptions(Set<String> apiKeys, Set<String> principals, Networks addresses) {
    this.apiKeys = apiKeys;
    this.principals = principals;
    this.addresses = addresses;
  }

  /**
   * Reads the exemptions under {@code prefix} ({@code ratelimit.exempt.} or {@code
   * ratelimit.<policy>.exempt.}).
   *
   * @throws IllegalArgumentException naming the key, its source and the entry that is not an
   *     address or range
   */
  static Exemptions read(RateLimitConfig config, String prefix) {
    Set<String> apiKeys = list(config.get(prefix + "api-keys"));
    Set<String> principals = list(config.get(prefix + "principals"));
    Networks addresses;
    try {
      addresses = Networks.parse(config.get(prefix + "addresses", ""), "exempt address");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Invalid configuration " + config.describe(prefix + "addresses") + ": " + e.getMessage(),
          e);
    }
    if (apiKeys.isEmpty() && principals.isEmpty() && addresses.isEmpty()) {
      return NONE;
    }
    return new Exemptions(apiKeys, principals, addresses);
  }

  private static Set<String> list(Optional<String> value) {
    Set<String> items = new LinkedHashSet<>();
    for (String item : value.orElse("").split(",", -1)) {
      if (!item.isBlank()) {
        items.add(item.strip());
      }
    }
    return Set.copyOf(items);
  }

  boolean isEmpty() {
    return this == NONE;
  }

  /** Whether {@code request} comes from an exempt caller. */
  boolean exempts(RequestView request, String apiKeyHeader, ClientAddress clientAddress) {
    if (this == NONE) {
      return false;
    }
    if (!apiKeys.isEmpty()) {
      String apiKey = request.header(apiKeyHeader);
      if (apiKey != null && apiKeys.contains(apiKey)) {
        return true;
      }
    }
    if (!principals.isEmpty()) {
      String principal = request.principal();
      if (principal != null && principals.contains(principal)) {
        return true;
      }
    }
    if (!addresses.isEmpty()) {
      byte @Nullable [] client = clientAddress.address(request);
      return client != null && addresses.contains(client);
    }
    return false;
  }
}
