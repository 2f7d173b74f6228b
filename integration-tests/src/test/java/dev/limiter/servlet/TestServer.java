/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import jakarta.servlet.Servlet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A started container ({@link Container}) on 127.0.0.1 and an ephemeral port, and an HTTP/1.1
 * client for it.
 */
abstract class TestServer {

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** The container this server runs. */
  abstract Container container();

  abstract int port();

  /**
   * Registers a servlet in the started web application at {@code contextPath}, as a container
   * allows after start (the Servlet API does not).
   */
  abstract void addServlet(String contextPath, Class<? extends Servlet> type, String urlPattern)
      throws Exception;

  /** Stops the web application at {@code contextPath}, as an undeployment does. */
  abstract void undeploy(String contextPath) throws Exception;

  /** Stops the server and removes what it wrote. */
  abstract void close() throws Exception;

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
  }

  /** Sends a request; {@code headers} alternate names and values. */
  HttpResponse<String> send(String method, String pathAndQuery, String... headers)
      throws Exception {
    return send(method, pathAndQuery, HttpRequest.BodyPublishers.noBody(), headers);
  }

  HttpResponse<String> send(
      String method, String pathAndQuery, HttpRequest.BodyPublisher body, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .method(method, body);
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
    return send("GET", pathAndQuery, headers);
  }
}
