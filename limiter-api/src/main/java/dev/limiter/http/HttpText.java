/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.http;

import java.util.Locale;

/**
 * Checks and encodes the text that goes on the wire: field names, field values, RFC 9651 strings
 * and JSON strings.
 *
 * <p>Field values are held to visible ASCII and spaces. That is stricter than RFC 9110 (which
 * tolerates obsolete non-ASCII octets), and it is what makes the output byte-identical across
 * containers, which disagree on how to encode a non-ASCII header.
 */
final class HttpText {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private HttpText() {}

  /**
   * Checks that {@code name} is an RFC 9110 token.
   *
   * @throws IllegalArgumentException naming the field and the rule
   */
  static String requireFieldName(String name) {
    boolean ok = !name.isEmpty();
    for (int i = 0; ok && i < name.length(); i++) {
      char c = name.charAt(i);
      ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
    if (!ok) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "header name %s is not an RFC 9110 token (letters, digits and !#$%%&'*+-.^_`|~)",
              json(name)));
    }
    return name;
  }

  /**
   * Checks that {@code value} holds only visible ASCII and inner spaces: no CR, LF or other control
   * character can split or smuggle a header.
   *
   * @throws IllegalArgumentException naming the field, the value (escaped) and the rule
   */
  static String requireFieldValue(String name, String value) {
    boolean ok =
        value.isEmpty() || (value.charAt(0) != ' ' && value.charAt(value.length() - 1) != ' ');
    for (int i = 0; ok && i < value.length(); i++) {
      char c = value.charAt(i);
      ok = c >= 0x20 && c < 0x7f;
    }
    if (!ok) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "value %s of header %s must be visible ASCII with no leading or trailing space and"
                  + " no control character",
              json(value),
              name));
    }
    return value;
  }

  /**
   * Appends {@code text} as an RFC 9651 sf-string: quoted, with {@code "} and {@code \} escaped.
   *
   * @throws IllegalArgumentException if {@code text} has a character outside visible ASCII and
   *     space, which an sf-string cannot carry
   */
  static StringBuilder appendSfString(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "policy name %s cannot be written as an RFC 9651 string: only visible ASCII and"
                    + " space are allowed",
                json(text)));
      }
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.append('"');
  }

  /** Returns {@code text} as a JSON string literal, quotes included; see {@link #appendJson}. */
  static String json(String text) {
    return appendJson(new StringBuilder(text.length() + 2), text).toString();
  }

  /**
   * Appends {@code text} as a JSON string literal (RFC 8259) made of ASCII only.
   *
   * <p>{@code "} and {@code \} are escaped with a backslash; control characters, DEL and every
   * character beyond ASCII become {@code \}{@code u} escapes (U+2028 and U+2029 among them, so the
   * text is also safe in JavaScript; a character outside the BMP becomes its surrogate pair; a lone
   * surrogate stays a lone escape). ASCII output has the same bytes in every charset a container
   * may pick.
   */
  static StringBuilder appendJson(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append("\\u")
            .append(HEX[(c >> 12) & 0xf])
            .append(HEX[(c >> 8) & 0xf])
            .append(HEX[(c >> 4) & 0xf])
            .append(HEX[c & 0xf]);
      }
    }
    return out.append('"');
  }
}
