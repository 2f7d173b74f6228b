/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import dev.limiter.RequestView;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The parts of an {@link HttpServletRequest} that key expressions read.
 *
 * <p>Query parameters are read from {@link HttpServletRequest#getQueryString()} and decoded here,
 * never through {@code getParameter}: that would read a form body and leave the servlet without it.
 * Decoding follows {@code application/x-www-form-urlencoded} ({@code +} is a space, {@code %XX} a
 * byte, bytes as UTF-8) and is lenient: an invalid escape stays as written and invalid UTF-8
 * becomes U+FFFD, so no query string can make it throw.
 */
final class ServletRequestView implements RequestView {

  private final HttpServletRequest request;

  ServletRequestView(HttpServletRequest request) {
    this.request = request;
  }

  @Override
  public @Nullable String header(String name) {
    return request.getHeader(name);
  }

  @Override
  public List<String> headers(String name) {
    Enumeration<String> values = request.getHeaders(name);
    return values == null ? List.of() : Collections.list(values);
  }

  @Override
  public @Nullable String queryParameter(String name) {
    return queryParameter(request.getQueryString(), name);
  }

  /** Servlets have no path parameters. */
  @Override
  public @Nullable String pathParameter(String name) {
    return null;
  }

  @Override
  public @Nullable String principal() {
    Principal principal = request.getUserPrincipal();
    return principal == null ? null : principal.getName();
  }

  /** The peer address; an IPv6 literal without the brackets some containers put around it. */
  @Override
  public String remoteAddress() {
    return RequestView.peerAddress(request.getRemoteAddr());
  }

  /**
   * Returns the decoded value of the first parameter called {@code name} in a raw query string:
   * {@code ""} for a parameter written without {@code =}, null when there is none.
   */
  static @Nullable String queryParameter(@Nullable String query, String name) {
    if (query == null) {
      return null;
    }
    int length = query.length();
    int start = 0;
    while (start <= length) {
      int end = query.indexOf('&', start);
      if (end < 0) {
        end = length;
      }
      int equals = query.indexOf('=', start);
      if (equals < 0 || equals > end) {
        equals = end;
      }
      if (equals > start && decode(query, start, equals).equals(name)) {
        return equals == end ? "" : decode(query, equals + 1, end);
      }
      start = end + 1;
    }
    return null;
  }

  /** Decodes {@code text[from, to)}; never throws. */
  static String decode(String text, int from, int to) {
    boolean plain = true;
    for (int i = from; i < to && plain; i++) {
      char c = text.charAt(i);
      plain = c != '%' && c != '+';
    }
    if (plain) {
      return text.substring(from, to);
    }
    StringBuilder out = new StringBuilder(to - from);
    byte[] bytes = new byte[(to - from) / 3];
    int count = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      int high = c == '%' ? hex(text, i + 1, to) : -1;
      int low = high >= 0 ? hex(text, i + 2, to) : -1;
      if (low >= 0) {
        bytes[count++] = (byte) (high << 4 | low);
        i += 2;
        continue;
      }
      if (count > 0) {
        out.append(new String(bytes, 0, count, StandardCharsets.UTF_8));
        count = 0;
      }
      out.append(c == '+' ? ' ' : c);
    }
    if (count > 0) {
      out.append(new String(bytes, 0, count, StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  /**
   * The value of an ASCII hex digit at {@code index}, or -1 (Character.digit also takes non-ASCII
   * digits).
   */
  private static int hex(String text, int index, int to) {
    if (index >= to) {
      return -1;
    }
    char c = text.charAt(index);
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
