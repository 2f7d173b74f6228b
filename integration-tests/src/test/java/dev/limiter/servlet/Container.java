/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.catalina.util.ServerInfo;
import org.eclipse.jetty.util.Jetty;

/**
 * The servlet containers the filter's tests run on, embedded, each on 127.0.0.1 and an ephemeral
 * port, with request headers up to {@link #REQUEST_HEADER_SIZE}.
 */
enum Container {
  JETTY("Jetty " + Jetty.VERSION + " ee11") {
    @Override
    TestServer start(List<Webapp> webapps) throws Exception {
      return JettyServer.start(webapps);
    }

    @Override
    TestServer deployWars(Map<String, Path> wars, Path workDir) throws Exception {
      return JettyServer.deployWars(wars, workDir);
    }
  },
  TOMCAT("Tomcat " + ServerInfo.getServerNumber()) {
    @Override
    TestServer start(List<Webapp> webapps) throws Exception {
      return TomcatServer.start(webapps);
    }

    @Override
    TestServer deployWars(Map<String, Path> wars, Path workDir) throws Exception {
      return TomcatServer.deployWars(wars, workDir);
    }
  };

  /** Large enough for a thousand headers and a 10 KB key to reach the filter. */
  static final int REQUEST_HEADER_SIZE = 64 * 1024;

  /** Tomcat refuses more than 100 header lines by default; Jetty counts only their size. */
  static final int MAX_HEADER_COUNT = 2000;

  private final String description;

  Container(String description) {
    this.description = description;
  }

  /**
   * Deploys {@code webapps} and starts the server.
   *
   * @throws Exception when the server or any web application fails to start (Tomcat logs a failed
   *     context and starts anyway; here that failure is thrown, with what Tomcat logged as its
   *     cause), after stopping the server
   */
  abstract TestServer start(List<Webapp> webapps) throws Exception;

  /**
   * Deploys packed web archives by context path and starts the server, without unpacking them:
   * Tomcat's host with {@code unpackWARs=false}, Jetty's {@code WebAppContext} with {@code
   * extractWAR=false}; each container writes what it writes under {@code workDir}. A web
   * application that fails to start does not fail this: the container does what it does with it,
   * which the tests observe.
   */
  abstract TestServer deployWars(Map<String, Path> wars, Path workDir) throws Exception;

  TestServer start(Webapp... webapps) throws Exception {
    return start(List.of(webapps));
  }

  @Override
  public String toString() {
    return description;
  }
}
