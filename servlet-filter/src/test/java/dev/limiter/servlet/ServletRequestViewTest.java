/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ServletRequestViewTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "user=ann                 | ann",
        "a=1&user=bob&user=carl   | bob",
        "user                     | ''",
        "user=                    | ''",
        "user=a=b                 | a=b",
        "us%65r=dan               | dan",
        "user=%C3%A9t%C3%A9       | été",
        "user=%c3%a9              | é",
        "user=a+b%20c             | a b c",
        "user=%2B%26%3D           | +&=",
        "user=%FF%FE              | \uFFFD\uFFFD",
        "user=%C3                 | \uFFFD",
        "user=%C3%28              | \uFFFD(",
        "user=%ZZ%4%              | %ZZ%4%",
        "user=%%41                | %A",
        "user=%0D%0AX:%20y        | '\r\nX: y'",
        "user=%D9%A3              | \u0663",
        "user=%\u0663\u0663       | %\u0663\u0663",
        "other=1                  | NULL",
        "''                       | NULL",
        "&&=&user2=x              | NULL",
        "=user                    | NULL",
      })
  void queryParameterIsDecodedLeniently(String query, String expected) {
    assertThat(ServletRequestView.queryParameter(query, "user")).isEqualTo(expected);
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "&", "=", "%", "user%3D1"})
  void absentParameter(String query) {
    assertThat(ServletRequestView.queryParameter(query, "user")).isNull();
  }

  /** A cut-off escape stays as written; the bytes of a cut-off character become one U+FFFD. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "user=%              | %",
        "user=%F             | %F",
        "user=%%%            | %%%",
        "user=%E2%82         | \uFFFD",
        "user=%F0%9F%98      | \uFFFD",
        "user=a%E2%82b       | a\uFFFDb",
        "user=%F0%9F%98%41   | \uFFFDA",
      })
  void truncatedEscapesNeverThrow(String query, String expected) {
    assertThat(ServletRequestView.queryParameter(query, "user")).isEqualTo(expected);
  }
}
