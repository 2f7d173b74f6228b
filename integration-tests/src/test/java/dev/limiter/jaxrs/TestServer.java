/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.ws.rs.core.Application;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real servlet container, on 127.0.0.1 and an ephemeral port, with one JAX-RS servlet of the
 * runtime this test JVM has ({@link JaxrsRuntime#current()}) that deploys a {@link Application} as
 * a {@code web.xml} would: by class name ({@link HandedOverApplication}), mapped to {@code /*}.
 *
 * <p>The servlet starts with the container, so that a failure to deploy surfaces from {@link
 * #start}. The servlet context gets {@link RateLimitFeatureInitializer}, as a container that scans
 * the application's jars adds it, unless started {@link #withoutInitializer}.
 */
final class TestServer implements AutoCloseable {

  /** Large enough for the 10 KB keys and the thousand header fields of the hostile tests. */
  static final int REQUEST_HEADER_SIZE = 256 * 1024;

  /** The JAX-RS runtimes; one is on the class path of a test JVM, never both. */
  enum JaxrsRuntime {
    JERSEY("org.glassfish.jersey.servlet.ServletContainer"),
    RESTEASY("org.jboss.resteasy.plugins.server.servlet.HttpServlet30Dispatcher");

    /** The system property, set by each surefire execution, that names the runtime present. */
    static final String PROPERTY = "limiter.jaxrs.runtime";

    final String servletClass;

    JaxrsRuntime(String servletClass) {
      this.servletClass = servletClass;
    }

    /** The runtime this JVM has: {@link #PROPERTY}, or the one whose servlet is present. */
    static JaxrsRuntime current() {
      String named = System.getProperty(PROPERTY);
      if (named != null) {
        return valueOf(named.toUpperCase(Locale.ROOT));
      }
      for (JaxrsRuntime runtime : values()) {
        try {
          Class.forName(runtime.servletClass, false, TestServer.class.getClassLoader());
          return runtime;
        } catch (ClassNotFoundException e) {
          // the other one
        }
      }
      throw new IllegalStateException("neither Jersey nor RESTEasy is on the class path");
    }
  }

  /** The servlet containers. */
  enum Container {
    JETTY,
    TOMCAT
  }

  private static final String SERVLET_NAME = "jaxrs";

  private final Container container;
  private final AutoCloseable stop;
  private final int port;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestServer(Container container, AutoCloseable stop, int port) {
    this.container = container;
    this.stop = stop;
    this.port = port;
  }

  /** Returns an application of these classes and singletons (instances). */
  static Application application(List<Class<?>> classes, Object... singletons) {
    Set<Class<?>> classSet = Set.copyOf(classes);
    Set<Object> singletonSet = new HashSet<>(Arrays.asList(singletons));
    return new Application() {
      @Override
      public Set<Class<?>> getClasses() {
        return classSet;
      }

      @Override
      @SuppressWarnings("deprecation") // the standard way to give a runtime provider instances
      public Set<Object> getSingletons() {
        return singletonSet;
      }
    };
  }

  /** Starts {@code application} in {@code container}; the caller closes the server. */
  static TestServer start(Container container, Application application) throws Exception {
    return start(container, application, true, true, Map.of());
  }

  /**
   * Starts {@code application} in {@code container} with these init parameters of the JAX-RS
   * servlet, which both runtimes read as configuration.
   */
  static TestServer start(
      Container container, Application application, Map<String, String> initParameters)
      throws Exception {
    return start(container, application, true, true, initParameters);
  }

  /**
   * Starts {@code application} in {@code container} without {@link RateLimitFeatureInitializer}, as
   * an embedded server that scans no jar, and without failing when the servlet does not start.
   */
  static TestServer withoutInitializer(Container container, Application application)
      throws Exception {
    return start(container, application, false, true, Map.of());
  }

  /** Starts {@code application}, and leaves the server running when the servlet fails to start. */
  static TestServer startEvenIfTheServletFails(Container container, Application application)
      throws Exception {
    return start(container, application, true, false, Map.of());
  }

  /**
   * Starts {@code application} in Tomcat as a web application ({@code Tomcat.addWebapp}): Tomcat
   * looks for the servlet container initializers in the jars itself, as for a WAR, and nobody adds
   * {@link RateLimitFeatureInitializer}.
   */
  static synchronized TestServer startAsWebApp(Application application) throws Exception {
    HandedOverApplication.handOver(application);
    File base = Files.createTempDirectory("limiter-tomcat").toFile();
    File docBase = new File(base, "webapp");
    Files.createDirectories(docBase.toPath());
    Tomcat tomcat = tomcat(base);
    tomcat.setAddDefaultWebXmlToWebapp(false); // no JSP servlet: Jasper is not here
    Context context = tomcat.addWebapp("", docBase.getAbsolutePath());
    // the initializers come from the class path through the class loader, as from WEB-INF/lib;
    // scanning every jar of the class path for annotated classes is not needed for that
    ((StandardJarScanner) context.getJarScanner()).setScanClassPath(false);
    return tomcat(tomcat, context, base, true, Map.of());
  }

  private static synchronized TestServer start(
      Container container,
      Application application,
      boolean initializer,
      boolean failFast,
      Map<String, String> initParameters)
      throws Exception {
    HandedOverApplication.handOver(application);
    return switch (container) {
      case JETTY -> jetty(initializer, failFast, initParameters);
      case TOMCAT -> tomcat(initializer, failFast, initParameters);
    };
  }

  private static TestServer jetty(
      boolean initializer, boolean failFast, Map<String, String> initParameters) throws Exception {
    Server server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(REQUEST_HEADER_SIZE);
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context;
    if (failFast) {
      context = new ServletContextHandler();
    } else {
      // as a WAR deploys: Jetty logs a failure to start and leaves the application unavailable
      WebAppContext webApp = new WebAppContext();
      webApp.setBaseResourceAsPath(Files.createTempDirectory("limiter-jetty"));
      webApp.setThrowUnavailableOnStartupException(false);
      context = webApp;
    }
    context.setContextPath("/");
    if (initializer) {
      context.addServletContainerInitializer(new RateLimitFeatureInitializer());
    }
    ServletHolder servlet = context.addServlet(JaxrsRuntime.current().servletClass, "/*");
    servlet.setInitParameter("jakarta.ws.rs.Application", HandedOverApplication.class.getName());
    initParameters.forEach(servlet::setInitParameter);
    servlet.setAsyncSupported(true);
    servlet.setInitOrder(0); // start with the context, so deployment errors surface from start()
    server.setHandler(context);
    try {
      server.start();
    } catch (Exception | Error e) {
      server.stop();
      throw e;
    }
    return new TestServer(Container.JETTY, server::stop, connector.getLocalPort());
  }

  private static TestServer tomcat(
      boolean initializer, boolean failFast, Map<String, String> initParameters) throws Exception {
    File base = Files.createTempDirectory("limiter-tomcat").toFile();
    Tomcat tomcat = tomcat(base);
    Context context = tomcat.addContext("", base.getAbsolutePath());
    if (initializer) {
      context.addServletContainerInitializer(new RateLimitFeatureInitializer(), null);
    }
    return tomcat(tomcat, context, base, failFast, initParameters);
  }

  private static Tomcat tomcat(File base) {
    Tomcat tomcat = new Tomcat();
    tomcat.setSilent(true); // its start-up messages at INFO are noise in the test output
    tomcat.setBaseDir(base.getAbsolutePath());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    connector.setProperty("maxHttpRequestHeaderSize", Integer.toString(REQUEST_HEADER_SIZE));
    connector.setProperty("maxHeaderCount", "2000");
    connector.setXpoweredBy(false);
    tomcat.setConnector(connector);
    return tomcat;
  }

  private static TestServer tomcat(
      Tomcat tomcat,
      Context context,
      File base,
      boolean failFast,
      Map<String, String> initParameters)
      throws Exception {
    Wrapper servlet = Tomcat.addServlet(context, SERVLET_NAME, JaxrsRuntime.current().servletClass);
    servlet.addInitParameter("jakarta.ws.rs.Application", HandedOverApplication.class.getName());
    initParameters.forEach(servlet::addInitParameter);
    servlet.setAsyncSupported(true);
    servlet.setLoadOnStartup(1);
    context.addServletMapping("/*", SERVLET_NAME);
    AutoCloseable stop =
        () -> {
          try {
            tomcat.stop();
            tomcat.destroy();
          } finally {
            deleteTree(base);
          }
        };
    try {
      tomcat.start();
      if (failFast) {
        failIfNotStarted(servlet);
      }
    } catch (Exception | Error e) {
      stop.close();
      throw e;
    }
    return new TestServer(Container.TOMCAT, stop, tomcat.getConnector().getLocalPort());
  }

  /**
   * Tomcat logs a servlet's failure to start and starts the context all the same; the failure is
   * thrown again when the servlet is first used, as here.
   */
  private static void failIfNotStarted(Wrapper servlet) throws ServletException {
    if (servlet.getServlet() == null) {
      Servlet started = servlet.allocate(); // throws what the servlet's init threw
      servlet.deallocate(started);
    }
  }

  private static void deleteTree(File file) throws IOException {
    File[] children = file.listFiles();
    if (children != null) {
      for (File child : children) {
        deleteTree(child);
      }
    }
    Files.deleteIfExists(file.toPath());
  }

  Container container() {
    return container;
  }

  int port() {
    return port;
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }

  HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
    return send("GET", pathAndQuery, headers);
  }

  HttpResponse<String> post(String pathAndQuery, String... headers) throws Exception {
    return send("POST", pathAndQuery, headers);
  }

  /** Sends a request; {@code headers} alternate names and values. */
  HttpResponse<String> send(String method, String pathAndQuery, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Returns the response's header fields whose names start with {@code prefix}, lower-cased. */
  static Map<String, String> fields(HttpResponse<?> response, String prefix) {
    Map<String, String> fields = new TreeMap<>();
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (name.toLowerCase(Locale.ROOT).startsWith(prefix.toLowerCase(Locale.ROOT))) {
                fields.put(name.toLowerCase(Locale.ROOT), String.join(", ", values));
              }
            });
    return fields;
  }

  /**
   * Stops the server, which destroys the servlet and the servlet context: the application is
   * undeployed. A failure to stop fails the test that closes it.
   */
  @Override
  public void close() {
    try {
      stop.close();
    } catch (Exception e) {
      throw new IllegalStateException("the test server did not stop", e);
    }
  }

  @Override
  public String toString() {
    return JaxrsRuntime.current() + " on " + container;
  }
}
