/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Servlet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;

/** Jetty 12 ee11: one {@link ServletContextHandler} per web application. */
final class JettyServer extends TestServer {

  private final Server server;
  private final ServerConnector connector;

  private JettyServer(Handler handler) {
    server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(Container.REQUEST_HEADER_SIZE);
    http.setSendServerVersion(false);
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(handler);
  }

  static JettyServer start(List<Webapp> webapps) throws Exception {
    List<ContextHandler> contexts = new ArrayList<>();
    for (Webapp webapp : webapps) {
      contexts.add(context(webapp));
    }
    return start(new ContextHandlerCollection(contexts.toArray(ContextHandler[]::new)));
  }

  /** Starts a server with {@code handler}; on failure stops it and rethrows. */
  static JettyServer start(Handler handler) throws Exception {
    JettyServer jetty = new JettyServer(handler);
    try {
      jetty.server.start();
    } catch (Exception e) {
      jetty.close();
      throw e;
    }
    return jetty;
  }

  /** Packed WARs in {@link WebAppContext}s that extract nothing but WEB-INF/lib and classes. */
  static JettyServer deployWars(Map<String, Path> wars, Path workDir) throws Exception {
    List<ContextHandler> contexts = new ArrayList<>();
    for (Map.Entry<String, Path> war : wars.entrySet()) {
      WebAppContext webapp = new WebAppContext();
      webapp.setContextPath(war.getKey());
      webapp.setWar(war.getValue().toString());
      webapp.setExtractWAR(false);
      // without it Jetty does not load the jars in WEB-INF/lib of a WAR it does not extract (the
      // filter then came from the parent class loader); it copies WEB-INF/lib and
      // WEB-INF/classes, and nothing else of the WAR, to the temporary directory
      webapp.setCopyWebInf(true);
      webapp.setTempDirectory(
          Files.createDirectories(workDir.resolve("jetty" + war.getKey().replace('/', '-')))
              .toFile());
      contexts.add(webapp);
    }
    return start(new ContextHandlerCollection(contexts.toArray(ContextHandler[]::new)));
  }

  private static ServletContextHandler context(Webapp webapp) {
    ServletContextHandler context = new ServletContextHandler(webapp.contextPath());
    if (webapp.root() != null) {
      context.setBaseResourceAsPath(webapp.root());
    }
    for (Webapp.FilterSpec spec : webapp.filters()) {
      FilterHolder holder =
          spec.instance() != null
              ? new FilterHolder(spec.instance())
              : new FilterHolder(spec.type());
      holder.setName(spec.name());
      holder.setAsyncSupported(true);
      holder.setInitParameters(spec.initParams());
      context.addFilter(holder, spec.urlPattern(), EnumSet.of(DispatcherType.REQUEST));
    }
    for (Webapp.ServletSpec spec : webapp.servlets()) {
      ServletHolder holder =
          spec.instance() != null
              ? new ServletHolder(spec.name(), spec.instance())
              : new ServletHolder(spec.name(), spec.type());
      holder.setAsyncSupported(spec.asyncSupported());
      for (String pattern : spec.urlPatterns()) {
        context.addServlet(holder, pattern);
      }
    }
    return context;
  }

  @Override
  Container container() {
    return Container.JETTY;
  }

  @Override
  int port() {
    return connector.getLocalPort();
  }

  @Override
  void addServlet(String contextPath, Class<? extends Servlet> type, String urlPattern) {
    context(contextPath).addServlet(type, urlPattern);
  }

  @Override
  ClassLoader classLoader(String contextPath) {
    return context(contextPath).getClassLoader();
  }

  @Override
  List<String> startFailure(String contextPath) {
    ServletContextHandler context = context(contextPath);
    Throwable failure =
        context instanceof WebAppContext webapp ? webapp.getUnavailableException() : null;
    return failure == null ? List.of() : messages(failure);
  }

  @Override
  void undeploy(String contextPath) throws Exception {
    ServletContextHandler context = context(contextPath);
    context.stop();
    if (server.getHandler() instanceof ContextHandlerCollection contexts) {
      contexts.removeHandler(context);
    }
  }

  private ServletContextHandler context(String contextPath) {
    for (ServletContextHandler context : server.getDescendants(ServletContextHandler.class)) {
      if (context.getContextPath().equals(contextPath)) {
        return context;
      }
    }
    throw new IllegalArgumentException("no context " + contextPath);
  }

  @Override
  void close() throws Exception {
    server.stop();
  }
}
