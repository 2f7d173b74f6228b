/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import jakarta.servlet.Servlet;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

  /** The class loader of the web application at {@code contextPath}. */
  abstract ClassLoader classLoader(String contextPath);

  /**
   * Why the web application at {@code contextPath} did not start, as the container reports it: the
   * messages of what it logged (Tomcat) or of the exception that made it unavailable (Jetty), and
   * of their causes; empty when it started.
   */
  abstract List<String> startFailure(String contextPath);

  /** The messages of {@code failure} and its causes and suppressed exceptions, one per entry. */
  static List<String> messages(Throwable failure) {
    List<String> messages = new ArrayList<>();
    collect(failure, messages, 0);
    return messages;
  }

  private static void collect(Throwable t, List<String> messages, int depth) {
    if (t == null || depth > 10) {
      return;
    }
    messages.add(t.getClass().getName() + ": " + t.getMessage());
    collect(t.getCause(), messages, depth + 1);
    for (Throwable suppressed : t.getSuppressed()) {
      collect(suppressed, messages, depth + 1);
    }
  }

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

  /**
   * Sends a GET on a connection of its own that the server closes after answering, and returns the
   * response's status line and header fields; for tests that must leave no connection, and so no
   * container state of a last request, behind.
   */
  String getOnce(String pathAndQuery, String... headers) throws IOException {
    StringBuilder request =
        new StringBuilder("GET ").append(pathAndQuery).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 5_000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      String response =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      int end = response.indexOf("\r\n\r\n");
      return end < 0 ? response : response.substring(0, end);
    }
  }
}
