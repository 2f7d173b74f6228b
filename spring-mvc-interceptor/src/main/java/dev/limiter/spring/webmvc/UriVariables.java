/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.webmvc;

import java.util.LinkedHashSet;
import java.util.Set;

/** The URI template variables that Spring MVC URL patterns bind. */
final class UriVariables {

  private UriVariables() {}

  /**
   * Returns the variables that every pattern binds: a {@code path:} key on any other would not
   * resolve for the requests of some pattern. No patterns bind nothing.
   */
  static Set<String> boundByEvery(Set<String> patterns) {
    Set<String> common = null;
    for (String pattern : patterns) {
      Set<String> names = names(pattern);
      if (common == null) {
        common = names;
      } else {
        common.retainAll(names);
      }
    }
    return common == null ? Set.of() : common;
  }

  /**
   * Returns the variable names of one pattern: {@code {name}}, {@code {name:regex}} (whose regular
   * expression may hold braces of its own) and the capture-the-rest {@code {*name}}.
   */
  static Set<String> names(String pattern) {
    Set<String> names = new LinkedHashSet<>();
    int depth = 0;
    int start = -1;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '{') {
        if (depth++ == 0) {
          start = i + 1;
        }
      } else if (c == '}' && depth > 0 && --depth == 0) {
        String variable = pattern.substring(start, i);
        int colon = variable.indexOf(':');
        String name = colon < 0 ? variable : variable.substring(0, colon);
        if (name.startsWith("*")) {
          name = name.substring(1);
        }
        name = name.strip();
        if (!name.isEmpty()) {
          names.add(name);
        }
      }
    }
    return names;
  }
}
