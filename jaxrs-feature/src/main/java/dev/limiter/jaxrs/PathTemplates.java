/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The names of the path parameters that a resource method's URI template binds: those of the
 * class's {@link Path} and the method's, {@code {id}} and {@code {id: [0-9]+}} alike.
 */
final class PathTemplates {

  private PathTemplates() {}

  /**
   * Returns the parameters of a root resource method, or null when they cannot be known here: a
   * class without {@code @Path} is a sub-resource, whose locators higher up bind more.
   */
  static @Nullable Set<String> parameters(Class<?> type, Method... methods) {
    Path root = type.getAnnotation(Path.class);
    if (root == null) {
      return null;
    }
    Set<String> names = new LinkedHashSet<>();
    names(root.value(), names);
    for (Method method : methods) {
      Path path = method.getAnnotation(Path.class);
      if (path != null) {
        names(path.value(), names);
      }
    }
    return names;
  }

  /** Adds the names of a template's parameters; a regular expression may hold braces of its own. */
  static void names(String template, Set<String> names) {
    int depth = 0;
    int start = -1;
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c == '{') {
        if (depth++ == 0) {
          start = i + 1;
        }
      } else if (c == '}' && depth > 0 && --depth == 0) {
        String parameter = template.substring(start, i);
        int colon = parameter.indexOf(':');
        String name = (colon < 0 ? parameter : parameter.substring(0, colon)).strip();
        if (!name.isEmpty()) {
          names.add(name);
        }
      }
    }
  }
}
