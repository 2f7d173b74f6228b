/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpTextTest {

  @Test
  void jsonEscapesQuotesAndBackslashes() {
    assertThat(HttpText.json("a\"b\\c/d")).isEqualTo("\"a\\\"b\\\\c/d\"");
  }

  @Test
  void jsonEscapesEveryControlCharacterAsUnicode() {
    assertThat(HttpText.json("\u0000\u0001\b\t\n\f\r\u001f \u007f"))
        .isEqualTo("\"\\u0000\\u0001\\u0008\\u0009\\u000a\\u000c\\u000d\\u001f \\u007f\"");
  }

  @Test
  void jsonEscapesEverythingBeyondAscii() {
    assertThat(HttpText.json("caf\u00e9 \u2028\u2029 \u20ac \uD83D\uDE00"))
        .isEqualTo("\"caf\\u00e9 \\u2028\\u2029 \\u20ac \\ud83d\\ude00\"");
  }

  @Test
  void jsonKeepsALoneSurrogateAsAnEscape() {
    assertThat(HttpText.json("\uD800x\uDC00")).isEqualTo("\"\\ud800x\\udc00\"");
  }

  @Test
  void jsonOfPrintableAsciiIsTheTextQuoted() {
    String ascii = " !#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[]^_`abcxyz{|}~";
    assertThat(HttpText.json(ascii)).isEqualTo('"' + ascii + '"');
  }

  @Test
  void sfStringEscapesQuotesAndBackslashes() {
    assertThat(HttpText.appendSfString(new StringBuilder(), "a \"b\" \\c").toString())
        .isEqualTo("\"a \\\"b\\\" \\\\c\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"tab\there", "caf\u00e9", "del\u007f", "nl\n"})
  void sfStringRefusesWhatItCannotCarry(String name) {
    assertThatThrownBy(() -> HttpText.appendSfString(new StringBuilder(), name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be written as an RFC 9651 string")
        .hasMessageStartingWith("policy name " + HttpText.json(name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "X RateLimit", "X:RateLimit", "Caf\u00e9", "a\r\nb", "(x)"})
  void fieldNamesAreTokens(String name) {
    assertThatThrownBy(() -> HttpText.requireFieldName(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not an RFC 9110 token");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a\r\nSet-Cookie: x",
        "a\nb",
        "a\rb",
        "a\u0000b",
        "tab\t",
        "caf\u00e9",
        " lead",
        "trail "
      })
  void fieldValuesAreVisibleAsciiAndInnerSpaces(String value) {
    assertThatThrownBy(() -> HttpText.requireFieldValue("X-Test", value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "value "
                + HttpText.json(value)
                + " of header X-Test must be visible ASCII with no"
                + " leading or trailing space and no control character");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "0", "\"search\";r=0;t=42", "a, b", "!~"})
  void acceptsValidFieldValues(String value) {
    assertThat(HttpText.requireFieldValue("X-Test", value)).isSameAs(value);
  }
}
