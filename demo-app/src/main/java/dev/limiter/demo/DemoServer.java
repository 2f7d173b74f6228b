/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.limiter.Clock;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimiter;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.hazelcast.HazelcastStore;
import dev.limiter.http.HttpContract;
import dev.limiter.http.RejectionHandler;
import dev.limiter.jaxrs.RateLimitFeature;
import dev.limiter.micrometer.RateLimitMetrics;
import dev.limiter.servlet.RateLimitFilter;
import dev.limiter.spi.RateLimitStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * The demo server: Jetty 12 serving {@link DemoResource} through Jersey under {@code /api}, {@link
 * PingServlet} at {@code /servlet/ping} behind the servlet filter, {@link HealthServlet} at {@code
 * /health}, and {@link MetricsServlet} at {@code /metrics} (the limiter's meters through {@link
 * RateLimitMetrics}, in the Prometheus text format); one {@link RateLimiter} for both adapters.
 *
 * <pre>
 * java -jar demo-app/target/demo-app.jar [--port N] [--host ADDRESS] [--headers x|ietf|draft6|both|none]
 *     [--store caffeine|hazelcast] [--hazelcast-port P] [--hazelcast-members HOST:PORT,...]
 *     [--on-store-failure open|closed|local]
 * </pre>
 */
public final class DemoServer implements AutoCloseable {

  private static final String COMMON_POOL_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  private final Server server;
  private final RateLimitStore store;
  private final RateLimiter limiter;
  private final PrometheusMeterRegistry registry;

  private DemoServer(
      Server server, RateLimitStore store, RateLimiter limiter, PrometheusMeterRegistry registry) {
    this.server = server;
    this.store = store;
    this.limiter = limiter;
    this.registry = registry;
  }

  /**
   * Starts the demo from the command line and serves until the process ends.
   *
   * @param args the options, see {@link DemoOptions#USAGE}
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    // Hazelcast completes calls through the common pool; with one core's worth (2 CPUs or fewer)
    // it would start a thread per call
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.println(DemoOptions.USAGE);
      return;
    }
    DemoOptions options;
    try {
      options = DemoOptions.parse(List.of(args));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    DemoServer demo;
    try {
      demo = start(options, Clock.system(), RateLimitConfig.load());
    } catch (Exception | LinkageError e) {
      // whatever started has been stopped; exit rather than linger as a cluster member
      System.err.println("limiter demo cannot start: " + e);
      System.exit(1);
      return;
    }
    // on SIGTERM: stop taking requests, then leave the cluster gracefully (partitions handed over)
    Runtime.getRuntime().addShutdownHook(new Thread(demo::close, "demo-shutdown"));
    System.out.printf(
        "limiter demo on http://%s:%d (headers %s, store %s); try: curl -i -H 'X-API-Key: k1'"
            + " http://%s:%d/api/hello%n",
        options.host(),
        demo.port(),
        options.headers().name().toLowerCase(java.util.Locale.ROOT),
        options.store(),
        options.host(),
        demo.port());
    demo.server.join();
  }

  /**
   * Starts a demo server.
   *
   * @param options host, port and header dialect
   * @param clock the clock the store decides on
   * @param config the configuration (policy overrides)
   * @return the running server
   * @throws Exception if Jetty cannot start
   */
  static DemoServer start(DemoOptions options, Clock clock, RateLimitConfig config)
      throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RateLimitMetrics metrics = RateLimitMetrics.of(registry);
    RateLimitStore store;
    if (options.store().equals("hazelcast")) {
      store = hazelcastStore(options, clock, metrics);
    } else {
      CaffeineStore caffeine =
          CaffeineStore.builder()
              .maximumSize(
                  config.getLong(
                      "ratelimit.caffeine.maximum-size", CaffeineStore.DEFAULT_MAXIMUM_SIZE))
              .clock(clock)
              .build();
      metrics.keysHeld("caffeine", caffeine::estimatedSize);
      store = caffeine;
    }
    RateLimiter limiter =
        RateLimiter.builder()
            .store(metrics.timed(store, options.store()))
            .config(config)
            .limitResolver(new GoldTier())
            .listener(metrics)
            .build();
    HttpContract contract = HttpContract.of(options.headers(), RejectionHandler.problemJson());

    Server server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(64 * 1024); // let long keys reach the limiter, which hashes them
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(options.host());
    connector.setPort(options.port());
    server.addConnector(connector);

    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ResourceConfig api =
        new ResourceConfig(DemoResource.class)
            .register(new RateLimitFeature(limiter, contract))
            .property(ServerProperties.WADL_FEATURE_DISABLE, true);
    context.addServlet(new ServletHolder("api", new ServletContainer(api)), "/api/*");
    context.addServlet(new ServletHolder("ping", PingServlet.class), "/servlet/ping");
    context.addServlet(new ServletHolder("health", HealthServlet.class), "/health");
    context.addServlet(new ServletHolder("metrics", new MetricsServlet(registry)), "/metrics");
    context.addFilter(
        new FilterHolder(new RateLimitFilter(limiter, contract)),
        "/servlet/*",
        EnumSet.of(DispatcherType.REQUEST));
    server.setHandler(context);
    try {
      server.start();
    } catch (Exception e) {
      server.stop();
      limiter.close();
      store.close();
      registry.close();
      throw e;
    }
    return new DemoServer(server, store, limiter, registry);
  }

  /**
   * Starts an embedded Hazelcast member for the store: TCP-IP join on the given members (only
   * itself by default), bound to loopback unless a member is elsewhere, multicast, auto-detection
   * and phone-home off.
   */
  private static RateLimitStore hazelcastStore(
      DemoOptions options, Clock clock, RateLimitMetrics metrics) {
    Config config = new Config();
    config.setClusterName("limiter-demo");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "jdk");
    // the demo's own shutdown hook stops the server, then the member, gracefully; Hazelcast's hook
    // would run beside it and could terminate the member first
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // a peer that never answers the join cannot keep the demo from starting (or from failing) for
    // the default five minutes
    config.setProperty("hazelcast.max.join.seconds", "20");
    List<String> members =
        options.hazelcastMembers().isEmpty()
            ? List.of("127.0.0.1:" + options.hazelcastPort())
            : options.hazelcastMembers();
    boolean loopback =
        members.stream().allMatch(m -> m.startsWith("127.") || m.startsWith("localhost:"));
    config.setProperty("hazelcast.socket.bind.any", Boolean.toString(!loopback));
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(options.hazelcastPort()).setPortAutoIncrement(false);
    if (loopback) {
      network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members);
    HazelcastStore store =
        HazelcastStore.builder()
            .memberConfig(HazelcastStore.configure(config))
            .failureMode(options.onStoreFailure())
            .clock(clock)
            .listener(metrics)
            .build();
    // the first calls open connections and load classes on the owners, and can overrun the time
    // budget; make them before the first request does, without deciding or writing anything
    store.warmUp(32, Duration.ofSeconds(2));
    return store;
  }

  /** The store, for tests that take the cluster away. */
  RateLimitStore store() {
    return store;
  }

  /**
   * Returns the port the server listens on.
   *
   * @return the bound port
   */
  int port() {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  /** Stops the server and closes the limiter and its store. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the demo server", e);
    } finally {
      limiter.close();
      store.close();
      registry.close();
    }
  }
}
