/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.failover;

import dev.limiter.spi.StoreException;
import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link FailoverStore} answers while its store cannot: when the store does not answer
 * within its time budget, fails, or is being left alone after repeated failures.
 *
 * <p>Configured as {@code open}, {@code closed} or {@code local} (see {@link #parse}).
 */
public enum FailureMode {

  /**
   * Serve the request: decide it as if its key were new, so every request that could ever be
   * admitted is, and log the failure at most once per interval. Availability over enforcement, with
   * no bound while the store is away; the default of a {@link FailoverStore} built around any store
   * (the Hazelcast store defaults to {@link #LOCAL_FALLBACK}).
   */
  FAIL_OPEN("open"),

  /**
   * Refuse the request: throw {@link StoreException} with a {@link StoreException#retryAfter()},
   * which the engine reports as {@link dev.limiter.StoreUnavailable} and adapters answer with
   * {@code 503} and {@code Retry-After}. Enforcement over availability.
   */
  FAIL_CLOSED("closed"),

  /**
   * Decide on a limiter in this process's memory until the store answers again, under this node's
   * share of each limit ({@link FailoverStore.Builder#fallbackShare}: the limit divided by the
   * nodes that may fall back at once; the whole limit on one node). The local counts last as long
   * as their window, also when the store answers in between, so however the store flaps, all nodes'
   * fallbacks together add at most one limit per window to what the store itself admits. The
   * default of shared stores.
   */
  LOCAL_FALLBACK("local");

  private final String configName;

  FailureMode(String configName) {
    this.configName = configName;
  }

  /**
   * Returns the short name that configuration uses, such as {@code open}.
   *
   * @return {@code open}, {@code closed} or {@code local}
   */
  public String configName() {
    return configName;
  }

  /**
   * Parses a failure mode from configuration: {@code open}, {@code closed} or {@code local}, or the
   * constant's name such as {@code FAIL_OPEN}; case does not matter.
   *
   * @param text the configured value
   * @return the mode
   * @throws IllegalArgumentException if {@code text} names no mode
   */
  public static FailureMode parse(String text) {
    Objects.requireNonNull(text, "text");
    String value = text.strip();
    for (FailureMode mode : values()) {
      if (mode.configName.equalsIgnoreCase(value) || mode.name().equalsIgnoreCase(value)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        String.format(
            Locale.ROOT,
            "\"%s\" is not a failure mode; use open (serve requests), closed (answer 503) or local"
                + " (limit on this node alone)",
            text));
  }
}
