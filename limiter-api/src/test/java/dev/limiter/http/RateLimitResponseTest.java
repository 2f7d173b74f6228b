/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RateLimitResponseTest {

  @Test
  void keepsTheOrderOfTheFieldsAndCannotBeModified() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Z-First", "1");
    headers.put("A-Second", "2");
    headers.put("M-Third", "3");

    RateLimitResponse response = new RateLimitResponse(true, 200, headers, null, null);
    headers.put("Late", "4");

    assertThat(response.headers().keySet()).containsExactly("Z-First", "A-Second", "M-Third");
    assertThatThrownBy(() -> response.headers().put("X", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void appliesTheExposedNamesByAddingAndEveryOtherFieldBySettingInOrder() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-RateLimit-Limit", "3");
    headers.put("Retry-After", "5");
    headers.put("access-control-expose-headers", "X-RateLimit-Limit, Retry-After");
    headers.put("Cache-Control", "no-store");
    RateLimitResponse response = new RateLimitResponse(false, 429, headers, "text/plain", "");
    List<String> calls = new ArrayList<>();

    response.applyHeaders(
        (name, value) -> calls.add("set " + name + ": " + value),
        (name, value) -> calls.add("add " + name + ": " + value));

    assertThat(calls)
        .containsExactly(
            "set X-RateLimit-Limit: 3",
            "set Retry-After: 5",
            "add access-control-expose-headers: X-RateLimit-Limit, Retry-After",
            "set Cache-Control: no-store");
  }

  @Test
  void refusesAValueThatWouldSplitTheHeader() {
    assertThatThrownBy(
            () ->
                new RateLimitResponse(true, 200, Map.of("X-A", "1\r\nSet-Cookie: a=b"), null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("of header X-A must be visible ASCII");
  }

  @Test
  void refusesTwoNamesThatDifferOnlyInCase() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Retry-After", "1");
    headers.put("retry-after", "2");

    assertThatThrownBy(() -> new RateLimitResponse(false, 429, headers, "text/plain", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "headers Retry-After and retry-after are one field; header names are case-insensitive");
  }

  @Test
  void aResponseThatProceedsHasNoStatusOfItsOwnAndNoBody() {
    assertThatThrownBy(() -> new RateLimitResponse(true, 429, Map.of(), null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "a response that proceeds has status 200 and no content type or body, was 429, null,"
                + " null");
    assertThatThrownBy(() -> new RateLimitResponse(true, 200, Map.of(), "text/plain", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "a response that proceeds has status 200 and no content type or body, was 200,"
                + " \"text/plain\", a body");
  }

  @Test
  void anAnswerHasAnErrorStatusAContentTypeAndABody() {
    assertThatThrownBy(() -> new RateLimitResponse(false, 200, Map.of(), "text/plain", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "status 200 is not a client or server error; a rejection's status is from 400 to 599");
    assertThatThrownBy(() -> new RateLimitResponse(false, 429, Map.of(), null, ""))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("contentType");
    assertThatThrownBy(() -> new RateLimitResponse(false, 429, Map.of(), "text/plain", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("body");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 200, 399, 600, -429})
  void aRejectionStatusIsAnError(int status) {
    assertThatThrownBy(() -> new Rejection(status, "text/plain", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "status "
                + status
                + " is not a client or server error; a rejection's status is from 400 to 599");
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 429, 503, 599})
  void acceptsErrorStatuses(int status) {
    assertThat(new Rejection(status, "application/json", "{}").status()).isEqualTo(status);
  }

  @Test
  void aRejectionContentTypeIsAHeaderValue() {
    assertThatThrownBy(() -> new Rejection(429, "text/plain\r\nX-Evil: 1", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("of header Content-Type must be visible ASCII");
    assertThatThrownBy(() -> new Rejection(429, "", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("contentType is empty; give a media type such as text/plain");
  }
}
