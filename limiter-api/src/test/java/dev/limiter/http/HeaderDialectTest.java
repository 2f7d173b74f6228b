/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HeaderDialectTest {

  @ParameterizedTest
  @CsvSource({
    "x, X",
    "X, X",
    "ietf, IETF",
    "IeTf, IETF",
    "draft6, DRAFT6",
    "DRAFT6, DRAFT6",
    "both, BOTH",
    "none, NONE",
    "None, NONE"
  })
  void parsesNamesInAnyCase(String text, HeaderDialect dialect) {
    assertThat(HeaderDialect.parse(text)).isEqualTo(dialect);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " x", "rfc", "draft-6", "\u0131etf", "xx"})
  void rejectsAnythingElseListingTheAcceptedNames(String text) {
    assertThatThrownBy(() -> HeaderDialect.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "header dialect \""
                + text
                + "\" is not one of x, ietf, draft6, both or none (case-insensitive)");
  }
}
