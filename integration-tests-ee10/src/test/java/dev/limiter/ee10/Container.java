/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.ee10;

import dev.limiter.jaxrs.RateLimitFeatureInitializer;
import jakarta.servlet.ServletContainerInitializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An EE 10 servlet container, embedded, on 127.0.0.1 and an ephemeral port. The application is set
 * up by a {@link ServletContainerInitializer}, through the Servlet API alone, so that every test
 * deploys the same way on both containers.
 */
enum Container {
  JETTY_12_EE10 {
    @Override
    Running start(ServletContainerInitializer setup) throws Exception {
      Server server = new Server();
      ServerConnector connector = new ServerConnector(server);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      server.addConnector(connector);
      ServletContextHandler context = new ServletContextHandler();
      context.setContextPath("/");
      context.addServletContainerInitializer(setup);
      // a ServletContextHandler scans no jar: the feature's initializer is added as the README says
      context.addServletContainerInitializer(new RateLimitFeatureInitializer());
      server.setHandler(context);
      try {
        server.start();
      } catch (Exception e) {
        server.stop();
        throw e;
      }
      return new Running(connector.getLocalPort(), server::stop);
    }
  },
  TOMCAT_10_1 {
    @Override
    Running start(ServletContainerInitializer setup) throws Exception {
      Path base = Files.createTempDirectory("tomcat-ee10");
      Tomcat tomcat = new Tomcat();
      tomcat.setBaseDir(base.toString());
      Connector connector = tomcat.getConnector();
      connector.setPort(0);
      connector.setProperty("address", "127.0.0.1");
      Context context = tomcat.addContext("", null);
      context.addServletContainerInitializer(setup, null);
      context.addServletContainerInitializer(new RateLimitFeatureInitializer(), null);
      try {
        tomcat.start();
      } catch (Exception e) {
        tomcat.destroy();
        throw e;
      }
      if (!context.getState().isAvailable()) {
        tomcat.stop();
        tomcat.destroy();
        throw new IllegalStateException("the Tomcat context did not start: " + context.getState());
      }
      return new Running(
          connector.getLocalPort(),
          () -> {
            tomcat.stop();
            tomcat.destroy();
          });
    }
  };

  /** Starts the container with the application {@code setup} deploys; the caller closes it. */
  abstract Running start(ServletContainerInitializer setup) throws Exception;

  /** What stops a container. */
  interface Stop {
    void stop() throws Exception;
  }

  /** A started container. */
  static final class Running implements AutoCloseable {
    private static final HttpClient CLIENT =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final int port;
    private final Stop stop;

    Running(int port, Stop stop) {
      this.port = port;
      this.stop = stop;
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(10));
      for (int i = 0; i < headers.length; i += 2) {
        request.header(headers[i], headers[i + 1]);
      }
      return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Sends {@code requests} GETs of {@code path} from {@code threads} threads at once and counts
     * the answers by status.
     */
    Map<Integer, Integer> burst(int threads, int requests, String path, String... headers)
        throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
          answers.add(pool.submit(() -> get(path, headers).statusCode()));
        }
        Map<Integer, Integer> counts = new TreeMap<>();
        for (Future<Integer> answer : answers) {
          counts.merge(answer.get(), 1, Integer::sum);
        }
        return counts;
      } finally {
        pool.shutdownNow();
      }
    }

    /** Stops the container; a failure to stop fails the test that closes it. */
    @Override
    public void close() {
      try {
        stop.stop();
      } catch (Exception e) {
        throw new IllegalStateException("the container did not stop", e);
      }
    }
  }
}
