/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.limiter.Clock;
import dev.limiter.RateLimitListener;
import dev.limiter.failover.FailoverStore;
import dev.limiter.failover.FailureMode;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import dev.limiter.spi.StoreException;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A cluster-wide {@link RateLimitStore} on a Hazelcast {@link IMap}: one decision is one {@code
 * EntryProcessor} call on the key's partition owner, one network round trip, with no locks and no
 * get-then-put.
 *
 * <pre>{@code
 * // an embedded member started from the application's own configuration
 * Config config = HazelcastStore.configure(Config.loadFromFile(new File("hazelcast.yaml")));
 * HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
 * RateLimitStore store = HazelcastStore.builder()
 *     .instance(member)
 *     .timeout(Duration.ofMillis(50))
 *     .failureMode(FailureMode.LOCAL_FALLBACK)   // the default
 *     .build();
 * RateLimiter limiter = RateLimiter.builder().store(store).build();
 *
 * // or a client of a separate cluster, started and shut down by the store
 * ClientConfig client = new ClientConfig();
 * client.setClusterName("limits");
 * client.getNetworkConfig().addAddress("hz-1.example.internal:5701", "hz-2.example.internal:5701");
 * RateLimitStore clientStore = HazelcastStore.builder().clientConfig(client).build();
 * }</pre>
 *
 * <p><b>Time.</b> The algorithm reads the clock of the member that owns the key, so the callers'
 * clocks cannot change a decision. A member's clock is the {@link Clock} in its user context under
 * {@link #CLOCK_KEY}, else the system clock; {@link Builder#clock} installs one on the member the
 * store runs on (tests install a {@link dev.limiter.ManualClock} on every member).
 *
 * <p><b>Expiry.</b> Each write sets the entry's TTL to the step's expiry rounded up to whole
 * seconds plus a margin of {@link #DEFAULT_EXPIRY_MARGIN} (Hazelcast's expiry has whole-second
 * precision and can fire up to a second early), so an entry only ever expires once it holds no
 * units: the TTL lets idle keys go and never decides an admission.
 *
 * <p><b>Backups.</b> The map should have at least one synchronous backup (Hazelcast's default is
 * 1), so a member's loss loses no counters: the owner copies each new state to its backups before
 * it answers. A store that starts its own member configures the map with {@link
 * Builder#backupCount} (default {@value #DEFAULT_BACKUP_COUNT}); for members started elsewhere, use
 * {@link #configure(Config, String, int)} or configure the map in {@code hazelcast.xml}.
 *
 * <p><b>What the members need.</b> Every member must have the {@code hazelcast-store} and {@code
 * limiter-api} jars on its class path and {@link StepProcessorFactory} registered under {@link
 * StepProcessorFactory#FACTORY_ID} ({@link #configure(Config)} does it in code; the factory's
 * javadoc shows the XML and YAML). Members this store starts get both by themselves. Clients need
 * nothing registered.
 *
 * <p><b>When the cluster cannot answer.</b> Each call waits {@link Builder#timeout} (default
 * {@value #DEFAULT_TIMEOUT_MILLIS} ms) for the member that owns the key; past it, it waits on, up
 * to {@link Builder#maxWait} (default {@value #MAX_WAIT_FACTOR} times the timeout), while that
 * member is answering other calls, so that a busy cluster answers slowly rather than hands out free
 * passes. A member that answers nothing, or a Hazelcast error, is answered by the {@link
 * FailureMode} (default {@link FailureMode#LOCAL_FALLBACK}) through a {@link FailoverStore} with
 * one circuit per member: after {@link Builder#failureThreshold} failures in a row the keys that
 * member owns go to the failure mode at once, for {@link Builder#openInterval}, then one request
 * probes it again; keys owned by members that answer are decided by the cluster as usual. The local
 * fallback of each node admits its share of each limit ({@link Builder#fallbackNodes}), so that all
 * nodes' fallbacks together add at most one limit per window to what the cluster counts. {@link
 * #warmUp} makes the first, slower round trips before requests do.
 *
 * <p><b>Stopping.</b> A member the store starts leaves gracefully when it is closed or the JVM gets
 * a termination signal (Hazelcast's shutdown hook is set to {@code GRACEFUL} unless configured):
 * its partitions move to the other members before it goes.
 *
 * <p><b>Latency.</b> A decision costs one round trip to the key's owner, plus, when the state
 * changed, the owner's synchronous copy to its backup. The time budget needs Hazelcast's async API,
 * which completes each call through the common {@link java.util.concurrent.ForkJoinPool}; on
 * machines with 2 CPUs or fewer that pool has parallelism 1 and Hazelcast then starts a new thread
 * per completion instead, which adds about 100 microseconds per decision. Give such JVMs {@code
 * -Djava.util.concurrent.ForkJoinPool.common.parallelism=2} (or more).
 *
 * <p>Found through {@link java.util.ServiceLoader} as the store named {@code hazelcast}; see {@link
 * HazelcastStoreProvider} for its configuration keys. Thread-safe.
 */
public final class HazelcastStore implements RateLimitStore {

  /** The default map name: {@code ratelimit}. */
  public static final String DEFAULT_MAP_NAME = "ratelimit";

  /** The default number of synchronous backups of the map for members the store configures. */
  public static final int DEFAULT_BACKUP_COUNT = 1;

  /** The default time budget of one call, in milliseconds: 100. */
  public static final long DEFAULT_TIMEOUT_MILLIS = 100;

  /** The default time budget of one call: 100 milliseconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(DEFAULT_TIMEOUT_MILLIS);

  /**
   * By default a call that outlasts the time budget while its owner is answering other calls waits
   * up to this many budgets: {@value}.
   */
  public static final int MAX_WAIT_FACTOR = 10;

  /** The default time an entry is kept beyond its step's expiry: 1 second. */
  public static final Duration DEFAULT_EXPIRY_MARGIN = Duration.ofSeconds(1);

  /**
   * The key in a member's {@link HazelcastInstance#getUserContext() user context} under which a
   * {@link Clock} for the member's decisions is found: {@code dev.limiter.clock}.
   */
  public static final String CLOCK_KEY = "dev.limiter.clock";

  private final HazelcastInstance instance;
  private final boolean ownsInstance;
  private final String mapName;
  private final ClusterCall cluster;
  private final FailoverStore failover;
  private final @Nullable MemberCount members;

  private HazelcastStore(Builder builder, HazelcastInstance instance, boolean ownsInstance) {
    this.instance = instance;
    this.ownsInstance = ownsInstance;
    this.mapName = builder.mapName;
    this.cluster = builder.calls.call(instance, mapName);
    int nodes = builder.fallbackNodes;
    MemberCount counted = nodes > 0 ? null : new MemberCount(instance);
    this.members = counted;
    this.failover =
        builder
            .failover
            .name("hazelcast map " + mapName)
            .failureDomain(cluster::domainOf)
            .fallbackShare(counted != null ? counted : () -> nodes)
            .build(cluster);
  }

  /**
   * Returns a builder.
   *
   * @return a builder; give it exactly one of an instance, a member configuration or a client
   *     configuration
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Prepares a member configuration for the store: registers {@link StepProcessorFactory} and, when
   * the configuration has no map named {@value #DEFAULT_MAP_NAME}, adds one with {@value
   * #DEFAULT_BACKUP_COUNT} backup. Call it before starting members that hold the store's map.
   *
   * @param config the member configuration, changed in place
   * @return {@code config}
   */
  public static Config configure(Config config) {
    return configure(config, DEFAULT_MAP_NAME, DEFAULT_BACKUP_COUNT);
  }

  /**
   * Prepares a member configuration for a store on map {@code mapName}: registers {@link
   * StepProcessorFactory} and, when the configuration has no map config by that exact name, adds
   * one with {@code backupCount} synchronous backups. An existing map config is left as it is.
   *
   * @param config the member configuration, changed in place
   * @param mapName the store's map
   * @param backupCount synchronous backups, 0 to {@value MapConfig#MAX_BACKUP_COUNT}
   * @return {@code config}
   * @throws IllegalArgumentException if {@code mapName} is blank or {@code backupCount} out of
   *     range
   */
  public static Config configure(Config config, String mapName, int backupCount) {
    return InstanceSource.configure(config, mapName, backupCount);
  }

  /**
   * Applies {@code step} on the member that owns {@code key}, within the time budget; when the
   * cluster cannot answer, the failure mode answers.
   *
   * @param key the store key
   * @param step the step
   * @param result the holder to fill with the step's result
   * @throws StoreException if the cluster cannot answer and the failure mode is {@link
   *     FailureMode#FAIL_CLOSED}
   */
  @Override
  public void apply(String key, Step step, StepResult result) {
    failover.apply(key, step, result);
  }

  /**
   * Returns the Hazelcast instance the store talks through: a member or a client.
   *
   * @return the instance
   */
  public HazelcastInstance instance() {
    return instance;
  }

  /**
   * Returns the name of the map that holds the counters.
   *
   * @return the map name
   */
  public String mapName() {
    return mapName;
  }

  /**
   * Returns what the store answers while the cluster cannot.
   *
   * @return the failure mode
   */
  public FailureMode failureMode() {
    return failover.mode();
  }

  /**
   * Returns the number of calls to the cluster that failed or timed out since the store was built.
   *
   * @return the failure count
   */
  public long failures() {
    return failover.failures();
  }

  /**
   * Returns the number of requests the failure mode decided since the store was built.
   *
   * @return the fallback count
   */
  public long fallbacks() {
    return failover.fallbacks();
  }

  /**
   * Returns whether the store has stopped calling the cluster for now after repeated failures.
   *
   * @return true while the circuit is open
   */
  public boolean circuitOpen() {
    return failover.circuitOpen();
  }

  /**
   * Makes a first round trip to the owner of each of a few keys, ahead of the first requests: it
   * opens connections and loads the algorithm's classes on the owners, which can take longer than
   * the time budget. It decides nothing and writes nothing (each call gives back units to a key
   * that has none). It stops at the first call that is not answered: the cluster is not ready, and
   * requests will find that out through the failure mode.
   *
   * @param calls how many keys to touch, spread over the partitions
   * @param each how long to wait for each answer
   * @return how many calls were answered
   */
  public int warmUp(int calls, Duration each) {
    Objects.requireNonNull(each, "each");
    return new ClusterCall(instance, mapName, each, each, DEFAULT_EXPIRY_MARGIN).warmUp(calls);
  }

  /**
   * Shuts down the Hazelcast instance if the store started it, gracefully (its partitions are
   * handed to the other members first); an instance passed to {@link Builder#instance} stays
   * running.
   */
  @Override
  public void close() {
    failover.close();
    if (members != null) {
      members.close();
    }
    if (ownsInstance) {
      instance.shutdown();
    }
  }

  @Override
  public String toString() {
    return "HazelcastStore[map=" + mapName + ", instance=" + instance.getName() + "]";
  }

  /** Builds a {@link HazelcastStore}. */
  public static final class Builder {
    // where the instance comes from, how calls wait, what answers when they fail: each part
    // checks and defaults its own options; the store adds its name and domains to the last
    private final InstanceSource source = new InstanceSource();
    private final CallSettings calls = new CallSettings();
    private final FailoverStore.Builder failover =
        FailoverStore.builder().mode(FailureMode.LOCAL_FALLBACK);
    private String mapName = DEFAULT_MAP_NAME;
    private int fallbackNodes;
    private @Nullable Clock clock;

    private Builder() {}

    /**
     * Uses a running member or client. The store does not shut it down. A member must have {@link
     * StepProcessorFactory} registered ({@link HazelcastStore#configure(Config)}).
     *
     * @param instance the member or client
     * @return this builder
     */
    public Builder instance(HazelcastInstance instance) {
      source.instance(Objects.requireNonNull(instance, "instance"));
      return this;
    }

    /**
     * Starts an embedded member from this configuration when the store is built, after {@link
     * HazelcastStore#configure(Config, String, int) configuring} it for the store (the object is
     * changed). The store shuts the member down when it is closed.
     *
     * @param config the member configuration, for example {@code Config.loadFromFile(file)}
     * @return this builder
     */
    public Builder memberConfig(Config config) {
      source.memberConfig(Objects.requireNonNull(config, "config"));
      return this;
    }

    /**
     * Starts a client from this configuration when the store is built. The store shuts the client
     * down when it is closed. The cluster's members need what {@link HazelcastStore} lists.
     *
     * @param config the client configuration
     * @return this builder
     */
    public Builder clientConfig(ClientConfig config) {
      source.clientConfig(Objects.requireNonNull(config, "config"));
      return this;
    }

    /**
     * Sets the name of the map that holds the counters; stores that share a map share counters.
     *
     * @param mapName the map name, default {@value HazelcastStore#DEFAULT_MAP_NAME}
     * @return this builder
     * @throws IllegalArgumentException if {@code mapName} is blank
     */
    public Builder mapName(String mapName) {
      InstanceSource.checkMapName(mapName);
      this.mapName = mapName;
      return this;
    }

    /**
     * Sets the map's synchronous backup count on the member the store starts from {@link
     * #memberConfig}. With {@link #instance} or {@link #clientConfig} the cluster's own
     * configuration decides, so setting it there is an error.
     *
     * @param backupCount 0 to {@value MapConfig#MAX_BACKUP_COUNT}, default {@value
     *     HazelcastStore#DEFAULT_BACKUP_COUNT}
     * @return this builder
     * @throws IllegalArgumentException if {@code backupCount} is out of range
     */
    public Builder backupCount(int backupCount) {
      source.backupCount(backupCount);
      return this;
    }

    /**
     * Sets the time budget of one call: past it, a call to a member that has answered nothing for
     * {@link #maxWait} is given up and the failure mode answers; a call to a member that is
     * answering others waits on, up to {@link #maxWait}.
     *
     * @param timeout at least 1 millisecond, default {@value HazelcastStore#DEFAULT_TIMEOUT_MILLIS}
     *     ms
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is shorter than 1 millisecond
     */
    public Builder timeout(Duration timeout) {
      calls.timeout(timeout);
      return this;
    }

    /**
     * Sets how long a call may wait for a member that is busy rather than gone: one that has
     * answered some call within this time. A busy cluster then answers slowly instead of handing
     * its requests to the failure mode.
     *
     * @param maxWait at least the {@link #timeout}; default {@value HazelcastStore#MAX_WAIT_FACTOR}
     *     times it
     * @return this builder
     */
    public Builder maxWait(Duration maxWait) {
      calls.maxWait(maxWait);
      return this;
    }

    /**
     * Sets how many application nodes may fall back to their local limiters at once, each then
     * admitting {@code limit / nodes} per key and window, so that together they add at most one
     * limit. By default it is the largest number of cluster members the store has seen, which is
     * right when each node is a member; give the number of nodes when they are clients.
     *
     * @param fallbackNodes at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code fallbackNodes} is below 1
     */
    public Builder fallbackNodes(int fallbackNodes) {
      if (fallbackNodes < 1) {
        throw new IllegalArgumentException(
            "fallbackNodes must be at least 1, was " + fallbackNodes);
      }
      this.fallbackNodes = fallbackNodes;
      return this;
    }

    /**
     * Sets how long an entry is kept beyond its step's expiry, rounded up to whole seconds. At
     * least a second, because Hazelcast may expire an entry up to a second early. Tests that drive
     * a {@link dev.limiter.ManualClock} set it long, since entries expire in real time.
     *
     * @param expiryMargin at least 1 second, default 1 second
     * @return this builder
     * @throws IllegalArgumentException if {@code expiryMargin} is shorter than 1 second
     */
    public Builder expiryMargin(Duration expiryMargin) {
      calls.expiryMargin(expiryMargin);
      return this;
    }

    /**
     * Sets what the store answers while the cluster cannot.
     *
     * @param failureMode the mode, default {@link FailureMode#LOCAL_FALLBACK}
     * @return this builder
     */
    public Builder failureMode(FailureMode failureMode) {
      failover.mode(Objects.requireNonNull(failureMode, "failureMode"));
      return this;
    }

    /**
     * Adds a listener that hears the store's failure handling: failed calls to the cluster, the
     * failure mode's answers, and each member's circuit opening and closing (the circuit's domain
     * is the member), as {@link FailoverStore.Builder#listener} does. Register it on the {@link
     * dev.limiter.RateLimiter.Builder#listener limiter} as well for the decisions.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(RateLimitListener listener) {
      failover.listener(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Sets how many failed calls in a row make the store stop calling a member for {@link
     * #openInterval}, as {@link FailoverStore.Builder#failureThreshold} does.
     *
     * @param failureThreshold at least 1, default {@value FailoverStore#DEFAULT_FAILURE_THRESHOLD}
     * @return this builder
     * @throws IllegalArgumentException if {@code failureThreshold} is below 1
     */
    public Builder failureThreshold(int failureThreshold) {
      failover.failureThreshold(failureThreshold);
      return this;
    }

    /**
     * Sets how long the store leaves a member alone after its last failure before one request
     * probes it again, as {@link FailoverStore.Builder#openInterval} does.
     *
     * @param openInterval at least 1 millisecond, default {@link
     *     FailoverStore#DEFAULT_OPEN_INTERVAL} (1 second)
     * @return this builder
     * @throws IllegalArgumentException if {@code openInterval} is shorter than 1 millisecond
     */
    public Builder openInterval(Duration openInterval) {
      failover.openInterval(openInterval);
      return this;
    }

    /**
     * Sets the clock: installed under {@link HazelcastStore#CLOCK_KEY} on the member the store runs
     * on (or starts), where it decides the keys that member owns, and read by the failure handling
     * (circuit breaker, local fallback). A client's members keep their own clocks.
     *
     * @param clock the clock, default the system clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      failover.clock(clock);
      return this;
    }

    /**
     * Builds the store, starting a member or client if a configuration was given.
     *
     * @return the store
     * @throws IllegalStateException if not exactly one of an instance, a member configuration and a
     *     client configuration was given, {@link #maxWait} is shorter than the {@link #timeout}, or
     *     {@link #backupCount} was set for a cluster the store does not configure
     * @throws IllegalArgumentException if the given member lacks {@link StepProcessorFactory}
     */
    public HazelcastStore build() {
      source.checkOneSource();
      calls.checkMaxWait();
      source.checkBackupCountApplies(mapName);
      return new HazelcastStore(
          this, source.start(mapName, clock, calls.maxWait()), source.startsItsOwn());
    }
  }
}
