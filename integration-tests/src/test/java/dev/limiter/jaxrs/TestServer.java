/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;

/** A real Jetty 12 (ee11) server with Jersey, on 127.0.0.1 and an ephemeral port. */
final class TestServer implements AutoCloseable {

  /** Large enough for the 10 KB keys and the thousand header fields of the hostile tests. */
  static final int REQUEST_HEADER_SIZE = 256 * 1024;

  private final Server server;
  private final int port;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestServer(Server server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Starts a server for {@code config}; the caller closes it. */
  static TestServer start(ResourceConfig config) throws Exception {
    config.property(ServerProperties.WADL_FEATURE_DISABLE, true);
    Server server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(REQUEST_HEADER_SIZE);
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ServletHolder jersey = new ServletHolder(new ServletContainer(config));
    jersey.setInitOrder(0); // initialize at start, so deployment errors surface from start()
    context.addServlet(jersey, "/*");
    server.setHandler(context);
    try {
      server.start();
    } catch (Exception | Error e) {
      server.stop();
      throw e;
    }
    return new TestServer(server, connector.getLocalPort());
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
    Map<String, String> fields = new java.util.TreeMap<>();
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (name.toLowerCase(java.util.Locale.ROOT)
                  .startsWith(prefix.toLowerCase(java.util.Locale.ROOT))) {
                fields.put(name.toLowerCase(java.util.Locale.ROOT), String.join(", ", values));
              }
            });
    return fields;
  }

  /** Stops the server; a failure to stop fails the test that closes it. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("the test server did not stop", e);
    }
  }
}
