/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.http;

import java.util.Locale;
import java.util.Objects;

/**
 * The set of rate-limit header fields a response carries, chosen with the configuration key {@code
 * ratelimit.headers}.
 *
 * <p>Every dialect describes the limit closest to rejecting (on a rejection, the rejecting limit
 * with the longest wait); only {@link #IETF} and {@link #BOTH} also list every limit of the
 * endpoint.
 */
public enum HeaderDialect {

  /**
   * {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining}, {@code X-RateLimit-Reset} (Unix epoch
   * seconds when the quota is fully back, as GitHub and X send it) and {@code X-RateLimit-Policy}
   * (the policy name). The default.
   */
  X,

  /**
   * The IETF httpapi draft -11 fields, structured-field lists (RFC 9651): {@code RateLimit-Policy:
   * "search-burst";q=2;w=1, "search";q=120;w=60} naming every limit of the endpoint, and {@code
   * RateLimit: "search";r=0;t=42} for the reported one ({@code t} in seconds from now).
   */
  IETF,

  /**
   * {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset} (seconds from
   * now), the fields of draft -06 that Kong and express-rate-limit clients parse.
   */
  DRAFT6,

  /** {@link #X} and then {@link #IETF}. */
  BOTH,

  /** No rate-limit header fields; a rejection still carries {@code Retry-After}. */
  NONE;

  /**
   * Parses a dialect name as written in configuration.
   *
   * @param text {@code x}, {@code ietf}, {@code draft6}, {@code both} or {@code none}, in any case
   * @return the dialect
   * @throws IllegalArgumentException if {@code text} is none of the accepted names; the message
   *     lists them
   */
  public static HeaderDialect parse(String text) {
    Objects.requireNonNull(text, "text");
    // not equalsIgnoreCase, which lets a dotless i match
    String lower = text.toLowerCase(Locale.ROOT);
    for (HeaderDialect dialect : values()) {
      if (dialect.name().toLowerCase(Locale.ROOT).equals(lower)) {
        return dialect;
      }
    }
    throw new IllegalArgumentException(
        String.format(
            Locale.ROOT,
            "header dialect \"%s\" is not one of x, ietf, draft6, both or none (case-insensitive)",
            text));
  }
}
