/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.http;

import java.util.Locale;
import java.util.Objects;

/**
 * The status, content type and body of a response that refuses a request, as a {@link
 * RejectionHandler} chooses them. The header fields ({@code Retry-After}, the rate-limit fields,
 * {@code Cache-Control}) are not part of it: {@link HttpContract} always adds them.
 *
 * @param status the status code, 400 to 599
 * @param contentType the {@code Content-Type} field value, such as {@code application/problem+json}
 *     or {@code text/plain;charset=UTF-8}; visible ASCII only
 * @param body the body, written as UTF-8; may be empty
 */
public record Rejection(int status, String contentType, String body) {

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if {@code status} is not from 400 to 599, or {@code
   *     contentType} is empty or has a character other than visible ASCII and inner spaces
   * @param status the status code, 400 to 599
   * @param contentType the {@code Content-Type} field value, such as {@code
   *     application/problem+json} or {@code text/plain;charset=UTF-8}; visible ASCII only
   * @param body the body, written as UTF-8; may be empty
   */
  public Rejection {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "status %d is not a client or server error; a rejection's status is from 400 to 599",
              status));
    }
    if (contentType.isEmpty()) {
      throw new IllegalArgumentException(
          "contentType is empty; give a media type such as text/plain");
    }
    HttpText.requireFieldValue("Content-Type", contentType);
  }
}
