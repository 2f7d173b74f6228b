/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.webmvc;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * An embedded Tomcat 10.1 on 127.0.0.1 and a free port, with a plain Spring MVC application (no
 * Spring Boot): a {@link DispatcherServlet} at {@code /} on a context of the given configuration
 * classes, and beside it servlets under other paths, each behind its own filters.
 */
final class MvcTomcat implements AutoCloseable {

  private final Tomcat tomcat = new Tomcat();
  private final Context context;
  private final Connector connector = new Connector();
  private final AnnotationConfigWebApplicationContext spring =
      new AnnotationConfigWebApplicationContext();
  private int filters;

  MvcTomcat(Class<?>... configuration) {
    try {
      Path base = Files.createTempDirectory("mvc-tomcat");
      tomcat.setBaseDir(base.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    context = tomcat.addContext("", null);
    spring.register(configuration);
    Wrapper dispatcher = Tomcat.addServlet(context, "dispatcher", new DispatcherServlet(spring));
    dispatcher.setLoadOnStartup(1);
    dispatcher.setAsyncSupported(true);
    context.addServletMappingDecoded("/", "dispatcher");
  }

  /** Adds a filter in front of every servlet, in the order of the calls. */
  MvcTomcat filter(Filter filter) {
    String name = "filter-" + filters++;
    FilterDef def = new FilterDef();
    def.setFilterName(name);
    def.setFilter(filter);
    def.setAsyncSupported("true");
    context.addFilterDef(def);
    FilterMap map = new FilterMap();
    map.setFilterName(name);
    map.addURLPatternDecoded("/*");
    context.addFilterMap(map);
    return this;
  }

  /**
   * Adds a servlet at {@code pattern} behind {@code filter} (and the filters for every servlet).
   */
  MvcTomcat servlet(String pattern, HttpServlet servlet, Filter filter) {
    String name = "servlet-" + pattern;
    Tomcat.addServlet(context, name, servlet);
    context.addServletMappingDecoded(pattern, name);
    FilterDef def = new FilterDef();
    def.setFilterName("filter-of-" + name);
    def.setFilter(filter);
    context.addFilterDef(def);
    FilterMap map = new FilterMap();
    map.setFilterName("filter-of-" + name);
    map.addServletName(name);
    context.addFilterMap(map);
    return this;
  }

  MvcTomcat start() {
    try {
      tomcat.start();
    } catch (LifecycleException e) {
      throw new IllegalStateException(e);
    }
    if (!spring.isActive()) {
      throw new IllegalStateException("the Spring context did not start; see the log above");
    }
    return this;
  }

  int port() {
    return connector.getLocalPort();
  }

  AnnotationConfigWebApplicationContext spring() {
    return spring;
  }

  @Override
  public void close() throws LifecycleException {
    tomcat.stop();
    tomcat.destroy();
  }
}
