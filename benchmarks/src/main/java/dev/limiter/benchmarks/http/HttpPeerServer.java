/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.benchmarks.http;

import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimiter;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.http.HeaderDialect;
import dev.limiter.http.HttpContract;
import dev.limiter.http.RejectionHandler;
import dev.limiter.servlet.RateLimitFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The HTTP peer server: one embedded Jetty 12.1 (the EE 11 servlet environment) on {@code
 * 127.0.0.1} serving the same work three times, so that a run under {@code wrk} compares our
 * servlet filter with no filter and with Bucket4j's, in one JVM and one container. Every endpoint
 * answers {@code {"ok":true}} as {@code application/json}, like the demo's {@code
 * /api/bench/plain}:
 *
 * <ul>
 *   <li>{@code GET /plain}: no filter;
 *   <li>{@code GET /limited}: behind {@link RateLimitFilter}, with one URL policy, {@value
 *       #POLICY}: 1,000,000,000 requests per second per client address ({@code key=ip}, sliding
 *       window), a limit no run reaches, on the Caffeine store, answering with the header fields of
 *       {@code --headers};
 *   <li>{@code GET /bucket4j}: behind {@link Bucket4jFilter}, Bucket4j on its Caffeine proxy
 *       manager as its documentation writes such a filter: one bucket per {@code getRemoteAddr()}
 *       of 1,000,000,000 tokens refilled every second, {@code X-Rate-Limit-Remaining} on success;
 *   <li>{@code GET /health}: no filter, for readiness.
 * </ul>
 *
 * <p>Run, after {@code mvn -B -q package -DskipTests} at the repository root:
 *
 * <pre>
 * java -Xms512m -Xmx512m -XX:+AlwaysPreTouch -cp benchmarks/target/benchmarks.jar \
 *     dev.limiter.benchmarks.http.HttpPeerServer --port 18080 --headers both
 * </pre>
 *
 * <p>{@code --port N} (default {@value #DEFAULT_PORT}, 0 for any free port), {@code --headers
 * x|ietf|draft6|both|none} (default {@code x}, the library's default). {@code TARGET=peer
 * benchmarks/http-overhead.sh} starts it and measures the three endpoints; the process serves until
 * it is stopped (SIGTERM stops Jetty, then closes the limiter and its store).
 */
public final class HttpPeerServer implements AutoCloseable {

  /** The name of the limit on {@code /limited}. */
  static final String POLICY = "bench";

  /** Requests per second and client address on {@code /limited} and {@code /bucket4j}. */
  static final long LIMIT = 1_000_000_000L;

  static final int DEFAULT_PORT = 18080;

  static final String USAGE =
      "usage: java -cp benchmarks/target/benchmarks.jar dev.limiter.benchmarks.http.HttpPeerServer"
          + " [--port N] [--headers x|ietf|draft6|both|none]";

  private final Server server;
  private final RateLimiter limiter;
  private final CaffeineStore store;

  private HttpPeerServer(Server server, RateLimiter limiter, CaffeineStore store) {
    this.server = server;
    this.limiter = limiter;
    this.store = store;
  }

  /**
   * Starts the server from the command line and serves until the process ends.
   *
   * @param args {@code --port N} and {@code --headers DIALECT}, see {@link #USAGE}
   * @throws Exception if Jetty cannot start or is interrupted while serving
   */
  public static void main(String[] args) throws Exception {
    int port = DEFAULT_PORT;
    HeaderDialect headers = HeaderDialect.X;
    List<String> arguments = List.of(args);
    try {
      for (int i = 0; i < arguments.size(); i += 2) {
        String flag = arguments.get(i);
        if (i + 1 >= arguments.size()) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        String value = arguments.get(i + 1);
        switch (flag) {
          case "--port" -> port = port(value);
          case "--headers" -> headers = HeaderDialect.parse(value);
          default -> throw new IllegalArgumentException("unknown option " + flag);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + "\n" + USAGE);
      System.exit(2);
      return;
    }
    HttpPeerServer peer = start(port, headers);
    Runtime.getRuntime().addShutdownHook(new Thread(peer::close, "http-peer-shutdown"));
    System.out.printf(
        Locale.ROOT,
        "http peer on http://127.0.0.1:%d (headers %s): /plain /limited /bucket4j /health%n",
        peer.port(),
        headers.name().toLowerCase(Locale.ROOT));
    peer.server.join();
  }

  /**
   * Starts the server on {@code 127.0.0.1}.
   *
   * @param port the port, 0 for any free port
   * @param headers the rate-limit header fields {@code /limited} answers with
   * @return the running server
   * @throws Exception if Jetty cannot start
   */
  static HttpPeerServer start(int port, HeaderDialect headers) throws Exception {
    // the policy as a servlet application would declare it in ratelimit.properties
    RateLimitConfig config =
        RateLimitConfig.builder()
            .valuesFrom("HttpPeerServer")
            .set("ratelimit.url.policies", POLICY)
            .set("ratelimit.url." + POLICY + ".pattern", "/limited")
            .set("ratelimit.url." + POLICY + ".window", "1s")
            .set("ratelimit.url." + POLICY + ".max", Long.toString(LIMIT))
            .set("ratelimit.url." + POLICY + ".key", "ip")
            .build();
    CaffeineStore store = CaffeineStore.ofDefaults();
    RateLimiter limiter = RateLimiter.builder().store(store).config(config).build();
    HttpContract contract = HttpContract.of(headers, RejectionHandler.problemJson());

    Server server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false); // as the demo: no Server field
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);

    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    for (String path : List.of("/plain", "/limited", "/bucket4j", "/health")) {
      context.addServlet(new ServletHolder(path.substring(1), new OkServlet()), path);
    }
    filter(context, new RateLimitFilter(limiter, contract), "/limited");
    filter(
        context,
        new Bucket4jFilter(LIMIT, Duration.ofSeconds(1), CaffeineStore.DEFAULT_MAXIMUM_SIZE),
        "/bucket4j");
    server.setHandler(context);
    try {
      server.start();
    } catch (Exception e) {
      server.stop();
      limiter.close();
      store.close();
      throw e;
    }
    return new HttpPeerServer(server, limiter, store);
  }

  private static void filter(ServletContextHandler context, Filter filter, String path) {
    context.addFilter(new FilterHolder(filter), path, EnumSet.of(DispatcherType.REQUEST));
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw new IllegalArgumentException(
        String.format(Locale.ROOT, "--port must be a number from 0 to 65535, was \"%s\"", value));
  }

  /**
   * Returns the port the server listens on.
   *
   * @return the bound port
   */
  int port() {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  /** Stops Jetty, then closes the limiter and its store. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the HTTP peer server", e);
    } finally {
      limiter.close();
      store.close();
    }
  }
}
