/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.config.ClientConnectionStrategyConfig;
import com.hazelcast.client.config.XmlClientConfigBuilder;
import com.hazelcast.client.config.YamlClientConfigBuilder;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.limiter.RateLimitConfig;
import dev.limiter.failover.FailoverStore;
import dev.limiter.failover.FailureMode;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.StoreProvider;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Makes the Hazelcast store available through {@link java.util.ServiceLoader} as {@code hazelcast},
 * configured by {@code ratelimit.hazelcast.*} keys.
 *
 * <p>Which Hazelcast instance the store uses, in this order:
 *
 * <ol>
 *   <li>{@code ratelimit.hazelcast.instance-name}: the running member or client of that name (the
 *       application started it, with {@link HazelcastStore#configure} applied to a member); the
 *       store leaves it running when closed;
 *   <li>{@code ratelimit.hazelcast.client=true}: a client the store starts, from the file named by
 *       {@code ratelimit.hazelcast.config} ({@code hazelcast-client.xml} or {@code .yaml}) or from
 *       {@code cluster-name} and {@code members} (addresses, default {@code 127.0.0.1:5701}); it
 *       starts without waiting for the cluster and fails fast while disconnected, so the failure
 *       mode answers until the cluster is reachable;
 *   <li>otherwise an embedded member the store starts, from {@code ratelimit.hazelcast.config}
 *       ({@code hazelcast.xml} or {@code .yaml}) or from these keys: {@code cluster-name}, {@code
 *       port} (the first port tried; the next free one up to 99 above is taken), {@code interface}
 *       (the address to bind to), and {@code members} (the TCP-IP join list); multicast,
 *       auto-detection and phone-home are off.
 * </ol>
 *
 * <p>A file is a path, or {@code classpath:NAME} for a class-path resource; {@code .yaml} and
 * {@code .yml} files are read as YAML, anything else as XML. The store closes (shuts down) the
 * instances it started.
 *
 * <table>
 *   <caption>Keys, all prefixed {@code ratelimit.hazelcast.}</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code instance-name}</td><td></td><td>use this running instance</td></tr>
 *   <tr><td>{@code client}</td><td>{@code false}</td><td>connect as a client instead of starting
 *       a member</td></tr>
 *   <tr><td>{@code config}</td><td></td><td>Hazelcast configuration file for the member or client
 *       the store starts</td></tr>
 *   <tr><td>{@code cluster-name}</td><td>{@code ratelimit}</td><td>cluster to form or join</td></tr>
 *   <tr><td>{@code port}</td><td>{@code 5701}</td><td>member port</td></tr>
 *   <tr><td>{@code interface}</td><td>{@code 127.0.0.1}</td><td>member bind address; empty binds
 *       to every interface</td></tr>
 *   <tr><td>{@code members}</td><td>member: the interface; client: {@code 127.0.0.1:5701}</td>
 *       <td>comma-separated {@code host[:port]} list</td></tr>
 *   <tr><td>{@code map}</td><td>{@code ratelimit}</td><td>map holding the counters</td></tr>
 *   <tr><td>{@code backup-count}</td><td>{@code 1}</td><td>map backups on a member the store
 *       starts</td></tr>
 *   <tr><td>{@code timeout-ms}</td><td>{@code 100}</td><td>time budget of one call</td></tr>
 *   <tr><td>{@code max-wait-ms}</td><td>10 times {@code timeout-ms}</td><td>how long a call may
 *       wait for a member that is busy (answering other calls) rather than gone</td></tr>
 *   <tr><td>{@code on-failure}</td><td>{@code local}</td><td>{@code local}, {@code closed} or
 *       {@code open}: see {@link FailureMode}</td></tr>
 *   <tr><td>{@code fallback-nodes}</td><td>the most members seen</td><td>nodes among which the
 *       local fallbacks share each limit</td></tr>
 *   <tr><td>{@code failure-threshold}</td><td>{@code 3}</td><td>failures in a row that stop
 *       calls to the cluster</td></tr>
 *   <tr><td>{@code open-interval-ms}</td><td>{@code 1000}</td><td>time before the cluster is
 *       probed again</td></tr>
 * </table>
 */
public final class HazelcastStoreProvider implements StoreProvider {

  static final String PREFIX = "ratelimit.hazelcast.";
  static final String DEFAULT_CLUSTER_NAME = "ratelimit";
  static final int DEFAULT_PORT = 5701;

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public HazelcastStoreProvider() {}

  @Override
  public String name() {
    return "hazelcast";
  }

  @Override
  public RateLimitStore create(RateLimitConfig config) {
    HazelcastStore.Builder builder =
        HazelcastStore.builder()
            .mapName(config.get(PREFIX + "map", HazelcastStore.DEFAULT_MAP_NAME))
            .timeout(
                Duration.ofMillis(
                    config.getLong(PREFIX + "timeout-ms", HazelcastStore.DEFAULT_TIMEOUT_MILLIS)))
            .failureMode(failureMode(config))
            .failureThreshold(
                toInt(config, "failure-threshold", FailoverStore.DEFAULT_FAILURE_THRESHOLD))
            .openInterval(
                Duration.ofMillis(
                    config.getLong(
                        PREFIX + "open-interval-ms",
                        FailoverStore.DEFAULT_OPEN_INTERVAL.toMillis())));
    if (config.get(PREFIX + "max-wait-ms").isPresent()) {
      builder.maxWait(Duration.ofMillis(config.getLong(PREFIX + "max-wait-ms", 0)));
    }
    if (config.get(PREFIX + "fallback-nodes").isPresent()) {
      int nodes = toInt(config, "fallback-nodes", 1);
      if (nodes < 1) {
        throw new IllegalArgumentException(
            "configuration "
                + config.describe(PREFIX + "fallback-nodes")
                + " must be at least 1: it is"
                + " the number of nodes among which the local fallbacks share each limit");
      }
      builder.fallbackNodes(nodes);
    }
    Optional<String> instanceName = config.get(PREFIX + "instance-name").filter(s -> !s.isEmpty());
    if (instanceName.isPresent()) {
      return builder.instance(running(instanceName.get())).build();
    }
    if (isClient(config)) {
      return builder.clientConfig(clientConfig(config)).build();
    }
    builder.memberConfig(memberConfig(config));
    if (config.get(PREFIX + "backup-count").isPresent()) {
      builder.backupCount(toInt(config, "backup-count", HazelcastStore.DEFAULT_BACKUP_COUNT));
    }
    return builder.build();
  }

  private static FailureMode failureMode(RateLimitConfig config) {
    String key = PREFIX + "on-failure";
    try {
      return FailureMode.parse(config.get(key, "local"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "configuration " + config.describe(key) + ": " + e.getMessage(), e);
    }
  }

  private static HazelcastInstance running(String name) {
    HazelcastInstance instance = Hazelcast.getHazelcastInstanceByName(name);
    if (instance == null) {
      instance = HazelcastClient.getHazelcastClientByName(name);
    }
    if (instance == null) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "configuration %sinstance-name=%s, but no Hazelcast member or client of that name is"
                  + " running; start it before the rate limiter, or remove the key to let the"
                  + " store start its own",
              PREFIX,
              name));
    }
    return instance;
  }

  private static boolean isClient(RateLimitConfig config) {
    String value = config.get(PREFIX + "client", "false");
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException(
        "configuration " + config.describe(PREFIX + "client") + " is neither true nor false");
  }

  /** The configuration of the member the store starts. */
  static Config memberConfig(RateLimitConfig settings) {
    Optional<String> file = settings.get(PREFIX + "config").filter(s -> !s.isEmpty());
    if (file.isPresent()) {
      return loadMember(file.get());
    }
    Config config = new Config();
    config.setClusterName(settings.get(PREFIX + "cluster-name", DEFAULT_CLUSTER_NAME));
    config.setProperty("hazelcast.phone.home.enabled", "false");
    String bind = settings.get(PREFIX + "interface", "127.0.0.1");
    NetworkConfig network = config.getNetworkConfig();
    network
        .setPort(toInt(settings, "port", DEFAULT_PORT))
        .setPortAutoIncrement(true)
        .setPortCount(100);
    if (!bind.isEmpty()) {
      config.setProperty("hazelcast.socket.bind.any", "false");
      network.getInterfaces().setEnabled(true).addInterface(bind);
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig()
        .setEnabled(true)
        .setMembers(list(settings.get(PREFIX + "members", bind.isEmpty() ? "127.0.0.1" : bind)));
    return config;
  }

  /** The configuration of the client the store starts. */
  static ClientConfig clientConfig(RateLimitConfig settings) {
    Optional<String> file = settings.get(PREFIX + "config").filter(s -> !s.isEmpty());
    if (file.isPresent()) {
      return loadClient(file.get());
    }
    ClientConfig config = new ClientConfig();
    config.setClusterName(settings.get(PREFIX + "cluster-name", DEFAULT_CLUSTER_NAME));
    config
        .getNetworkConfig()
        .setAddresses(list(settings.get(PREFIX + "members", "127.0.0.1:" + DEFAULT_PORT)));
    ClientConnectionStrategyConfig strategy = config.getConnectionStrategyConfig();
    strategy
        .setAsyncStart(true)
        .setReconnectMode(ClientConnectionStrategyConfig.ReconnectMode.ASYNC);
    strategy
        .getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(-1); // keep trying, never shut down
    return config;
  }

  private static Config loadMember(String file) {
    try {
      if (file.startsWith("classpath:")) {
        return Config.loadFromClasspath(classLoader(), file.substring("classpath:".length()));
      }
      return Config.loadFromFile(new File(file));
    } catch (IOException | RuntimeException e) {
      throw unreadable(file, e);
    }
  }

  private static ClientConfig loadClient(String file) {
    boolean yaml = file.endsWith(".yaml") || file.endsWith(".yml");
    try {
      if (file.startsWith("classpath:")) {
        String resource = file.substring("classpath:".length());
        try (InputStream in = classLoader().getResourceAsStream(resource)) {
          if (in == null) {
            throw new IOException("no class-path resource " + resource);
          }
          return yaml
              ? new YamlClientConfigBuilder(in).build()
              : new XmlClientConfigBuilder(in).build();
        }
      }
      File path = new File(file);
      return yaml
          ? new YamlClientConfigBuilder(path).build()
          : new XmlClientConfigBuilder(path).build();
    } catch (IOException | RuntimeException e) {
      throw unreadable(file, e);
    }
  }

  private static IllegalArgumentException unreadable(String file, Exception failure) {
    Throwable e =
        failure instanceof UncheckedIOException unchecked && unchecked.getCause() != null
            ? unchecked.getCause()
            : failure;
    return new IllegalArgumentException(
        String.format(
            Locale.ROOT,
            "cannot read the Hazelcast configuration %sconfig=%s: %s",
            PREFIX,
            file,
            e.getMessage()),
        e);
  }

  private static ClassLoader classLoader() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return loader != null ? loader : HazelcastStoreProvider.class.getClassLoader();
  }

  private static List<String> list(String value) {
    return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static int toInt(RateLimitConfig config, String key, int defaultValue) {
    long value = config.getLong(PREFIX + key, defaultValue);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "configuration " + config.describe(PREFIX + key) + " is out of range");
    }
    return (int) value;
  }
}
