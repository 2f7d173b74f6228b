/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A Jetty server on 127.0.0.1 and an ephemeral port, and an HTTP/1.1 client for it. */
final class TestJetty {

  /** Large enough for a thousand headers and a 10 KB key to reach the filter. */
  static final int REQUEST_HEADER_SIZE = 64 * 1024;

  private final Server server;
  private final ServerConnector connector;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private TestJetty(Handler handler) {
    server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(REQUEST_HEADER_SIZE);
    http.setSendServerVersion(false);
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(handler);
  }

  /** Starts a server; on failure stops it and rethrows. */
  static TestJetty start(Handler handler) throws Exception {
    TestJetty jetty = new TestJetty(handler);
    try {
      jetty.server.start();
    } catch (Exception e) {
      jetty.close();
      throw e;
    }
    return jetty;
  }

  int port() {
    return connector.getLocalPort();
  }

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

  void close() throws Exception {
    server.stop();
  }
}
