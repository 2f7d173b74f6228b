/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import java.util.Objects;

/**
 * The request lacks what a limit is keyed on (an API key, a header, a parameter). It was not
 * counted anywhere.
 *
 * <p>This value says what is missing, not how to answer: the HTTP status is chosen in {@link
 * dev.limiter.http}, where the default {@link dev.limiter.http.RejectionHandler#problemJson()
 * handler} answers {@code 401} when {@link #credentials()} and {@code 400} otherwise.
 *
 * @param policy the name of the limit whose key did not resolve
 * @param missing what the request should carry, such as {@code "an API key in header X-API-Key"}
 * @param credentials whether a credential is among what is missing: an {@code apiKey} or a {@code
 *     principal} would have keyed the request
 */
public record MissingKey(String policy, String missing, boolean credentials) implements Outcome {

  /**
   * Validates the components.
   *
   * @param policy the name of the limit whose key did not resolve
   * @param missing what the request should carry, such as {@code "an API key in header X-API-Key"}
   * @param credentials whether a credential is among what is missing: an {@code apiKey} or a {@code
   *     principal} would have keyed the request
   */
  public MissingKey {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(missing, "missing");
  }
}
