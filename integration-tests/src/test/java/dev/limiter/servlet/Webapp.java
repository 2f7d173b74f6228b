/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A web application described in code, which {@link Container#start} deploys the same way on each
 * container: filters in the order added, each mapped to one URL pattern for REQUEST dispatches and
 * async-supported, servlets with their mappings, and an optional directory as the web application's
 * root (for {@code /WEB-INF/...} resources).
 */
final class Webapp {

  /** A filter: an instance, or a class the container creates (as from {@code web.xml}). */
  record FilterSpec(
      String name,
      Filter instance,
      Class<? extends Filter> type,
      Map<String, String> initParams,
      String urlPattern) {}

  /** A servlet: an instance, or a class the container creates. */
  record ServletSpec(
      String name,
      Servlet instance,
      Class<? extends Servlet> type,
      List<String> urlPatterns,
      boolean asyncSupported) {}

  private final String contextPath;
  private Path root;
  private final List<FilterSpec> filters = new ArrayList<>();
  private final List<ServletSpec> servlets = new ArrayList<>();

  private Webapp(String contextPath) {
    this.contextPath = contextPath;
  }

  /**
   * A web application at {@code contextPath}: {@code "/"} for the root context, else {@code /name}.
   */
  static Webapp at(String contextPath) {
    return new Webapp(contextPath);
  }

  /** The directory that is the web application's root. */
  Webapp root(Path directory) {
    this.root = Objects.requireNonNull(directory, "directory");
    return this;
  }

  Webapp filter(String name, Filter instance, String urlPattern) {
    filters.add(new FilterSpec(name, instance, instance.getClass(), Map.of(), urlPattern));
    return this;
  }

  /** A filter the container creates from its class, with init-params, as {@code web.xml} does. */
  Webapp filter(
      String name,
      Class<? extends Filter> type,
      Map<String, String> initParams,
      String urlPattern) {
    filters.add(new FilterSpec(name, null, type, Map.copyOf(initParams), urlPattern));
    return this;
  }

  /** A filter instance with init-params (which a filter given a limiter refuses). */
  Webapp filter(String name, Filter instance, Map<String, String> initParams, String urlPattern) {
    filters.add(
        new FilterSpec(name, instance, instance.getClass(), Map.copyOf(initParams), urlPattern));
    return this;
  }

  Webapp servlet(Class<? extends Servlet> type, String... urlPatterns) {
    return servlet(type, false, urlPatterns);
  }

  Webapp asyncServlet(Class<? extends Servlet> type, String... urlPatterns) {
    return servlet(type, true, urlPatterns);
  }

  Webapp servlet(Servlet instance, String... urlPatterns) {
    servlets.add(
        new ServletSpec(
            name(instance.getClass()), instance, instance.getClass(), List.of(urlPatterns), false));
    return this;
  }

  private Webapp servlet(Class<? extends Servlet> type, boolean async, String... urlPatterns) {
    servlets.add(new ServletSpec(name(type), null, type, List.of(urlPatterns), async));
    return this;
  }

  /** A name unique in this web application, as each container needs one per servlet. */
  private String name(Class<?> type) {
    return type.getSimpleName() + "-" + servlets.size();
  }

  String contextPath() {
    return contextPath;
  }

  Path root() {
    return root;
  }

  List<FilterSpec> filters() {
    return filters;
  }

  List<ServletSpec> servlets() {
    return servlets;
  }
}
