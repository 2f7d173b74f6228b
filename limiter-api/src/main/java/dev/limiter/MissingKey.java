/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import java.util.Objects;

/**
 * The request lacks what a limit is keyed on (an API key, a header, a parameter). It was not
 * counted anywhere; adapters answer it with {@link #status()}.
 *
 * @param policy the name of the limit whose key did not resolve
 * @param missing what the request should carry, such as {@code "an API key in header X-API-Key"}
 * @param status 401 when the key is a credential ({@code apiKey}, {@code principal}), else 400
 */
public record MissingKey(String policy, String missing, int status) implements Outcome {

  /**
   * Validates the components.
   *
   * @param policy the name of the limit whose key did not resolve
   * @param missing what the request should carry, such as {@code "an API key in header X-API-Key"}
   * @param status 401 when the key is a credential ({@code apiKey}, {@code principal}), else 400
   */
  public MissingKey {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(missing, "missing");
    if (status != 400 && status != 401) {
      throw new IllegalArgumentException("status must be 400 or 401, was " + status);
    }
  }
}
