/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyExpressionTest {

  private static final ClientAddress PEER = ClientAddress.of("", "X-Forwarded-For", 128);

  private static String resolve(String expression, RequestView request) {
    return KeyExpression.parse(expression).resolve(request, "X-API-Key", PEER);
  }

  @Test
  void resolvesEachPart() {
    TestRequest request =
        TestRequest.from("198.51.100.7")
            .header("X-API-Key", "k1")
            .header("X-Tenant", "acme")
            .query("to", "bob")
            .path("id", "42")
            .principal("alice");
    assertThat(resolve("ip", request)).isEqualTo("198.51.100.7");
    assertThat(resolve("apiKey", request)).isEqualTo("k1");
    assertThat(resolve("principal", request)).isEqualTo("alice");
    assertThat(resolve("header:X-Tenant", request)).isEqualTo("acme");
    assertThat(resolve("query:to", request)).isEqualTo("bob");
    assertThat(resolve("path:id", request)).isEqualTo("42");
    assertThat(resolve("global", request)).isEqualTo("global");
  }

  @Test
  void combinesPartsWithPlus() {
    TestRequest request =
        TestRequest.from("192.0.2.9").header("X-API-Key", "k1").query("to", "bob");
    assertThat(resolve("apiKey+query:to", request)).isEqualTo("k1+bob");
    assertThat(resolve(" apiKey + query:to ", request)).isEqualTo("k1+bob");
  }

  @Test
  void combinedValuesCannotBeShiftedBetweenParts() {
    TestRequest a = TestRequest.from("192.0.2.9").header("X-API-Key", "k1+x").query("to", "bob");
    TestRequest b = TestRequest.from("192.0.2.9").header("X-API-Key", "k1").query("to", "x+bob");
    assertThat(resolve("apiKey+query:to", a)).isNotEqualTo(resolve("apiKey+query:to", b));
    assertThat(resolve("apiKey+query:to", a)).isEqualTo("k1\\+x+bob");
  }

  @Test
  void alternativesTakeTheFirstPresentAndMarkLaterOnes() {
    TestRequest withKey = TestRequest.from("192.0.2.9").header("X-API-Key", "gold-1");
    TestRequest anonymous = TestRequest.from("192.0.2.9");
    assertThat(resolve("apiKey|ip", withKey)).isEqualTo("gold-1");
    assertThat(resolve("apiKey|ip", anonymous)).isEqualTo("ip=192.0.2.9");
  }

  @Test
  void aHeaderCannotPoseAsAnotherPartsKey() {
    TestRequest spoof = TestRequest.from("203.0.113.5").header("X-API-Key", "ip=192.0.2.9");
    TestRequest victim = TestRequest.from("192.0.2.9");
    assertThat(resolve("apiKey|ip", spoof)).isNotEqualTo(resolve("apiKey|ip", victim));
  }

  @Test
  void emptyOrAbsentValuesDoNotResolve() {
    TestRequest request = TestRequest.from("192.0.2.9").header("X-API-Key", "");
    assertThat(resolve("apiKey", request)).isNull();
    assertThat(resolve("apiKey+ip", request)).isNull();
    assertThat(resolve("query:q", request)).isNull();
    assertThat(resolve("principal|header:X-User", request)).isNull();
  }

  @Test
  void longValuesResolveWhole() {
    String huge = "k".repeat(10_000);
    assertThat(resolve("apiKey", TestRequest.from("192.0.2.9").header("X-API-Key", huge)))
        .isEqualTo(huge);
  }

  @Test
  void reportsTheMissingPartAndWhetherACredentialIsAmongIt() {
    TestRequest request = TestRequest.from("192.0.2.9").header("X-API-Key", "k");
    assertThat(
            KeyExpression.parse("apiKey|principal")
                .missing("p", TestRequest.from("192.0.2.9"), "X-API-Key", PEER))
        .isEqualTo(
            new MissingKey("p", "an API key in header X-API-Key or an authenticated user", true));
    assertThat(KeyExpression.parse("apiKey+query:to").missing("pair", request, "X-API-Key", PEER))
        .isEqualTo(new MissingKey("pair", "query parameter to", false));
    assertThat(
            KeyExpression.parse("header:X-Tenant|apiKey")
                .missing("t", TestRequest.from("192.0.2.9"), "X-API-Key", PEER))
        .isEqualTo(new MissingKey("t", "header X-Tenant or an API key in header X-API-Key", true));
    assertThat(KeyExpression.parse("apiKey").missing("p", request, "X-API-Key", PEER)).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "ipp",
        "header:",
        "query:",
        "path: ",
        "cookie:x",
        "ip||apiKey",
        "ip+",
        "API_KEY"
      })
  void rejectsUnknownParts(String expression) {
    assertThatThrownBy(() -> KeyExpression.parse(expression))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "ip, apiKey, bearer, principal, global, header:NAME, query:NAME or path:NAME");
  }
}
