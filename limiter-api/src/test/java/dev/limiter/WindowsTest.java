/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WindowsTest {

  @ParameterizedTest
  @CsvSource({
    "250ms, PT0.25S",
    "1s, PT1S",
    "90s, PT1M30S",
    "60m, PT1H",
    "24h, PT24H",
    "1d, PT24H",
    "7d, PT168H",
  })
  void parsesTheAcceptedForms(String text, String expected) {
    assertThat(RateLimitPolicy.parseWindow(text)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "60x",
        "",
        "m",
        "1 m",
        "1.5s",
        "-1s",
        "1S",
        "1min",
        "PT1M",
        "s1",
        " 1s",
        "9999999999999s"
      })
  void rejectsEverythingElseShowingTheAcceptedForms(String text) {
    assertThatThrownBy(() -> RateLimitPolicy.parseWindow(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + text + "\" is not a window")
        .hasMessageContaining("250ms, 1s, 90s, 60m, 24h or 1d");
  }

  @ParameterizedTest
  @CsvSource({"PT0.25S, 250ms", "PT1S, 1s", "PT90S, 90s", "PT1H, 1h", "PT48H, 2d", "PT0S, 0ms"})
  void formatsInTheLargestExactUnit(String duration, String expected) {
    assertThat(Windows.format(Duration.parse(duration))).isEqualTo(expected);
  }
}
