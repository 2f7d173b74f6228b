/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The peer address as the adapters hand it to the engine. */
class RequestViewTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "[::1]                | ::1",
        "[2001:db8::7]        | 2001:db8::7",
        "[fe80::1%eth0]       | fe80::1%eth0",
        "[fe80::1%25eth0]     | fe80::1%25eth0",
        "[::ffff:192.0.2.1]   | ::ffff:192.0.2.1",
        "[]                   | ''",
        "::1                  | ::1",
        "fe80::1%eth0         | fe80::1%eth0",
        "192.0.2.1            | 192.0.2.1",
        "[::1                 | [::1",
        "::1]                 | ::1]",
        "[                    | [",
        "]                    | ]",
        "][                   | ][",
        "[[::1]]              | [[::1]]",
        "[::1]]               | [::1]]",
        "[a]b]                | [a]b]",
        "[::1]:443            | [::1]:443",
        "''                   | ''",
        "NULL                 | ''",
      })
  void peerAddressLosesTheBracketsOfAnIpv6LiteralAndNothingElse(String reported, String expected) {
    assertThat(RequestView.peerAddress(reported)).isEqualTo(expected);
  }
}
