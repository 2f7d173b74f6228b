/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import jakarta.servlet.Servlet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.apache.tomcat.util.scan.StandardJarScanFilter;

/**
 * Tomcat 11 embedded: one context per web application, filters as {@link FilterDef} and {@link
 * FilterMap}, servlets through {@link Tomcat#addServlet}.
 *
 * <p>Tomcat does not fail its start when a context does: it logs the context's failure and keeps
 * serving the other contexts, and the failed one answers nothing (its URLs answer 404). {@link
 * #start} turns that into an exception carrying what Tomcat logged, so that a test can assert the
 * same thing on both containers. Tomcat logs through {@code java.util.logging}; below WARNING it is
 * quiet here.
 */
final class TomcatServer extends TestServer {

  /** Held so that the level set on it stays (the log manager holds loggers weakly). */
  private static final Logger APACHE = Logger.getLogger("org.apache");

  static {
    APACHE.setLevel(Level.WARNING);
  }

  private final Tomcat tomcat;
  private final Path baseDir;
  private final Connector connector;
  private final List<LogRecord> logged = Collections.synchronizedList(new ArrayList<>());
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          logged.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  TomcatServer(Path baseDir) {
    this.baseDir = baseDir;
    tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    tomcat.setPort(0);
    connector = tomcat.getConnector();
    connector.setProperty("address", "127.0.0.1");
    connector.setProperty(
        "maxHttpRequestHeaderSize", String.valueOf(Container.REQUEST_HEADER_SIZE));
    connector.setProperty("maxHeaderCount", String.valueOf(Container.MAX_HEADER_COUNT));
    tomcat.getHost().setAutoDeploy(false);
    handler.setLevel(Level.WARNING);
    APACHE.addHandler(handler);
  }

  static TomcatServer start(List<Webapp> webapps) throws Exception {
    TomcatServer server = new TomcatServer(Files.createTempDirectory("tomcat-"));
    try {
      for (Webapp webapp : webapps) {
        server.context(webapp);
      }
      server.startAndCheck();
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
    return server;
  }

  /**
   * Packed WARs on a host that does not unpack them ({@code unpackWARs=false}), each with the
   * defaults of Tomcat's {@code conf/web.xml} but JSP (Jasper is not on the class path).
   * Container-provided ServletContainerInitializers are left out: here the test class path plays
   * Tomcat's {@code lib} directory, and Jersey's initializer on it is no part of these WARs.
   */
  static TomcatServer deployWars(Map<String, Path> wars, Path workDir) throws Exception {
    TomcatServer server = new TomcatServer(Files.createDirectories(workDir.resolve("tomcat")));
    try {
      StandardHost host = (StandardHost) server.tomcat.getHost();
      host.setUnpackWARs(false);
      Files.createDirectories(Path.of(host.getAppBaseFile().getPath()));
      server.tomcat.setAddDefaultWebXmlToWebapp(false);
      for (Map.Entry<String, Path> war : wars.entrySet()) {
        Context context = server.tomcat.addWebapp(host, war.getKey(), war.getValue().toString());
        ((StandardContext) context).setContainerSciFilter(".*");
        StandardJarScanFilter noScan = new StandardJarScanFilter();
        noScan.setPluggabilitySkip("*.jar"); // the library has no fragment, TLD or initializer;
        noScan.setTldSkip("*.jar"); // reading jars nested in a packed WAR is slow
        context.getJarScanner().setJarScanFilter(noScan);
        Tomcat.addServlet(context, "default", DefaultServlet.class.getName());
        context.addServletMapping("/", "default");
        Tomcat.addDefaultMimeTypeMappings(context);
      }
      server.tomcat.start();
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
    return server;
  }

  Tomcat tomcat() {
    return tomcat;
  }

  Path baseDir() {
    return baseDir;
  }

  /** The records of WARNING and above that Tomcat logged since this server was created. */
  List<LogRecord> logged() {
    synchronized (logged) {
      return List.copyOf(logged);
    }
  }

  /** Starts Tomcat and throws if a context did not start, with what Tomcat logged. */
  void startAndCheck() throws Exception {
    tomcat.start();
    List<String> failed = new ArrayList<>();
    for (org.apache.catalina.Container child : tomcat.getHost().findChildren()) {
      if (child.getState() != LifecycleState.STARTED) {
        failed.add(child.getName() + " (" + child.getState() + ")");
      }
    }
    if (!failed.isEmpty()) {
      IllegalStateException failure =
          new IllegalStateException("Tomcat started, but not the contexts " + failed);
      for (LogRecord record : logged()) {
        Throwable thrown = record.getThrown();
        failure.addSuppressed(
            new IllegalStateException(
                "Tomcat logged " + record.getLevel() + ": " + record.getMessage(), thrown));
      }
      throw failure;
    }
  }

  private void context(Webapp webapp) {
    String path = webapp.contextPath().equals("/") ? "" : webapp.contextPath();
    Context context =
        tomcat.addContext(path, webapp.root() == null ? null : webapp.root().toString());
    quietLeakChecks(context);
    for (Webapp.FilterSpec spec : webapp.filters()) {
      FilterDef def = new FilterDef();
      def.setFilterName(spec.name());
      def.setFilterClass(spec.type().getName());
      if (spec.instance() != null) {
        def.setFilter(spec.instance());
      }
      def.setAsyncSupported("true");
      for (Map.Entry<String, String> param : spec.initParams().entrySet()) {
        def.addInitParameter(param.getKey(), param.getValue());
      }
      context.addFilterDef(def);
      FilterMap map = new FilterMap();
      map.setFilterName(spec.name());
      map.addURLPattern(spec.urlPattern());
      map.setDispatcher("REQUEST");
      context.addFilterMap(map);
    }
    for (Webapp.ServletSpec spec : webapp.servlets()) {
      Wrapper wrapper =
          spec.instance() != null
              ? Tomcat.addServlet(context, spec.name(), spec.instance())
              : Tomcat.addServlet(context, spec.name(), spec.type().getName());
      wrapper.setAsyncSupported(spec.asyncSupported());
      for (String pattern : spec.urlPatterns()) {
        context.addServletMapping(pattern, spec.name());
      }
    }
  }

  /**
   * Without {@code --add-opens java.base/java.lang}, Tomcat cannot look for ThreadLocal leaks and
   * warns so at every context stop; these contexts load nothing of their own to leak.
   */
  static void quietLeakChecks(Context context) {
    if (context instanceof StandardContext standard) {
      standard.setClearReferencesThreadLocals(false);
      standard.setClearReferencesRmiTargets(false);
    }
  }

  @Override
  Container container() {
    return Container.TOMCAT;
  }

  @Override
  int port() {
    return connector.getLocalPort();
  }

  @Override
  void addServlet(String contextPath, Class<? extends Servlet> type, String urlPattern) {
    Context context = context(contextPath);
    String name = type.getSimpleName() + "-late-" + context.findChildren().length;
    Tomcat.addServlet(context, name, type.getName());
    context.addServletMapping(urlPattern, name);
  }

  @Override
  ClassLoader classLoader(String contextPath) {
    return context(contextPath).getLoader().getClassLoader();
  }

  @Override
  List<String> startFailure(String contextPath) {
    Context context = context(contextPath);
    if (context.getState() == LifecycleState.STARTED) {
      return List.of();
    }
    List<String> messages = new ArrayList<>();
    for (LogRecord record : logged()) {
      if (record.getLoggerName().endsWith(".[" + context.getName() + "]")) {
        messages.add(record.getLevel() + " " + record.getLoggerName() + ": " + record.getMessage());
        if (record.getThrown() != null) {
          messages.addAll(messages(record.getThrown()));
        }
      }
    }
    return messages;
  }

  @Override
  void undeploy(String contextPath) {
    Context context = context(contextPath);
    tomcat.getHost().removeChild(context);
  }

  Context context(String contextPath) {
    org.apache.catalina.Container child =
        tomcat.getHost().findChild(contextPath.equals("/") ? "" : contextPath);
    if (!(child instanceof Context context)) {
      throw new IllegalArgumentException("no context " + contextPath);
    }
    return context;
  }

  @Override
  void close() throws Exception {
    try {
      tomcat.stop();
      tomcat.destroy();
    } finally {
      APACHE.removeHandler(handler);
      delete(baseDir);
    }
  }

  static void delete(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
