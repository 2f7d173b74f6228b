/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import dev.limiter.annotation.RateLimit;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import dev.limiter.spi.StoreException;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The engine: decides requests against their limits through a {@link RateLimitStore}.
 *
 * <pre>{@code
 * try (RateLimiter limiter = RateLimiter.builder().store(CaffeineStore.builder().build()).build()) {
 *   EndpointLimits limits = limiter.limits(List.of(RateLimitPolicy.of("account", "60m", 1000, "apiKey")));
 *   Decision decision = limiter.acquire(limits, "key-123");
 *   if (!decision.allowed()) {
 *     // answer 429 with Retry-After: decision.retryAfterSeconds(), as the adapters do
 *   }
 * }
 * }</pre>
 *
 * <p>All limits of a request are decided together: a request that any limit rejects consumes
 * nothing from the others. Limits are taken in order and given back when a later one rejects, to
 * the state that took them or, if that state is gone or out of reach, nowhere; so concurrent
 * requests and failing stores can only find the limiter briefly stricter, never looser.
 *
 * <p>Keys: a policy's counter is shared by requests with the same resolved key, which is the key
 * expression's values joined by {@code +}; the {@link LimitResolver} sees it whole. Keys longer
 * than 64 characters (32 when one is outside Latin-1) are stored as their SHA-256 digest, so that
 * what a key costs does not depend on what a client sends.
 *
 * <p>Thread-safe; build one per application and close it on shutdown.
 */
public final class RateLimiter implements AutoCloseable {

  /**
   * Keys of more than this many bytes (characters, or half as many when one is outside Latin-1) are
   * stored by their SHA-256 digest (44 characters), so that what a key costs in a store does not
   * depend on what the client sends.
   */
  static final int MAX_KEY_LENGTH = 64;

  /**
   * Each thread's result holder: every store call of a decision fills it and the decision reads it
   * right after, before anything else runs on the thread, so one holder per thread serves every
   * decision without allocating one.
   *
   * <p>The thread holds it weakly. In a web application that bundles the library, the holder's
   * class is the application's, and a holder the container's threads held strongly would keep the
   * application's class loader, with every class it loaded, after the application is undeployed (as
   * the servlet tests of a packed WAR on Tomcat and Jetty showed). Held weakly, the collector may
   * take it between decisions; the thread's next decision then makes a new one.
   */
  private static final ThreadLocal<WeakReference<StepResult>> RESULTS = new ThreadLocal<>();

  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(RateLimiter::sha256);

  private final RateLimitStore store;
  private final boolean ownsStore;
  private final RateLimitConfig config;
  private final LimitResolver limitResolver;
  private final String apiKeyHeader;
  private final ClientAddress clientAddress;
  private final PolicyRegistry policies;
  private final Clock clock;

  /** The builder's listeners, guarded; null when none is registered, so that none costs a thing. */
  private final @Nullable RateLimitListener listener;

  private final Set<Admission> leased = ConcurrentHashMap.newKeySet();
  private final Object renewalLock = new Object();
  private @Nullable ScheduledExecutorService renewal;
  private boolean closed;

  private RateLimiter(Builder builder) {
    this.config = builder.config != null ? builder.config : RateLimitConfig.load();
    this.ownsStore = builder.store == null;
    this.store = builder.store != null ? builder.store : StoreDiscovery.discover(config);
    this.policies = new PolicyRegistry(config);
    this.limitResolver = builder.limitResolver;
    this.apiKeyHeader = config.get("ratelimit.api-key-header", "X-API-Key");
    this.clientAddress = ClientAddress.from(config);
    this.clock = builder.clock;
    this.listener =
        builder.listeners.isEmpty() ? null : new GuardedListeners(builder.listeners, clock);
  }

  /**
   * Returns a builder.
   *
   * @return a builder with the defaults: the store found on the class path, configuration from
   *     {@link RateLimitConfig#load()}, every key limited to its policy's {@code max}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a limiter with the defaults that {@link #builder()} describes.
   *
   * @return a limiter
   * @throws IllegalStateException if no store, or several and none named, are on the class path
   */
  public static RateLimiter ofDefaults() {
    return builder().build();
  }

  /**
   * Returns the configuration this limiter was built with.
   *
   * @return the configuration
   */
  public RateLimitConfig config() {
    return config;
  }

  /**
   * Returns the name of the header that carries the API key for the {@code apiKey} key part.
   *
   * @return the header name, {@code X-API-Key} unless configured
   */
  public String apiKeyHeader() {
    return apiKeyHeader;
  }

  /**
   * Reads the {@link RateLimit} annotations on {@code type} and on {@code method} and returns the
   * endpoint's limits, with configuration overrides applied: the class's limits first, then the
   * method's.
   *
   * @param type the resource or servlet class
   * @param method the method that serves the request, or null for the class's limits alone
   * @return the limits, empty when neither carries an annotation
   * @throws IllegalArgumentException naming the class, the method and the attribute when an
   *     annotation is invalid, or naming both places when one policy name is declared twice with
   *     different settings
   */
  public EndpointLimits limitsFor(Class<?> type, @Nullable Method method) {
    return limitsFor(type, method, null);
  }

  /**
   * Reads the limits as {@link #limitsFor(Class, Method)} does and checks that every {@code
   * path:NAME} part of their keys names one of the route's path parameters, so that a key that
   * could never resolve fails when the endpoint is deployed rather than answering 400 to every
   * request.
   *
   * @param type the resource or servlet class
   * @param method the method that serves the request, or null for the class's limits alone
   * @param pathParameters the names of the path parameters the route binds (empty for a servlet,
   *     which has none), or null when the adapter cannot know them
   * @return the limits, empty when neither carries an annotation
   * @throws IllegalArgumentException naming the class, the method and the attribute when an
   *     annotation is invalid or its key reads a path parameter the route does not bind, or naming
   *     both places when one policy name is declared twice with different settings
   */
  public EndpointLimits limitsFor(
      Class<?> type, @Nullable Method method, @Nullable Set<String> pathParameters) {
    return policies.limitsFor(type, method, pathParameters);
  }

  /**
   * Returns limits for policies built in code, with configuration overrides applied.
   *
   * @param policies the policies, taken in this order
   * @return the limits
   * @throws IllegalArgumentException if two policies share a name, or an override is invalid
   */
  public EndpointLimits limits(List<RateLimitPolicy> policies) {
    return this.policies.limits(policies);
  }

  /**
   * Decides a request: resolves each limit's key from the request and takes one request's units
   * from every limit that applies, or from none.
   *
   * <p>For limits that need to know how the request ended (limits on requests in flight, limits
   * that count only some statuses, idempotent retries that remember admitted requests), use {@link
   * #admit(EndpointLimits, RequestView)}, which returns what must be completed.
   *
   * @param limits the endpoint's limits
   * @param request the request
   * @return a {@link Decision}; a {@link MissingKey} when the request lacks a key part; a {@link
   *     StoreUnavailable} when the store cannot decide (in both of those cases nothing was counted)
   * @throws IllegalArgumentException if {@code limits} {@link EndpointLimits#completes() needs
   *     completing}
   */
  public Outcome check(EndpointLimits limits, RequestView request) {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(request, "request");
    requireNoCompletion(limits);
    if (!limits.conditional() && !limits.idempotent()) {
      String[] keys = new String[limits.size()];
      for (int i = 0; i < keys.length; i++) {
        String key = limits.key(i).resolve(request, apiKeyHeader, clientAddress);
        if (key == null) {
          MissingKey missing =
              limits.key(i).missing(limits.policy(i).name(), request, apiKeyHeader, clientAddress);
          return missing(limits.policy(i), missing);
        }
        keys[i] = key;
      }
      return decide(limits, keys, false);
    }
    return admit(limits, request).outcome();
  }

  /**
   * Decides a request and returns its {@link Admission}: resolves each limit's key, skips the
   * limits that do not apply (exempt callers and keys, {@code unless}, {@code optional}), takes the
   * request's units and slots from every other limit or from none, and applies idempotent retries.
   * The adapters call this for every limited request and {@link Admission#complete(int) complete}
   * the admission when the response is known.
   *
   * @param limits the endpoint's limits
   * @param request the request
   * @return the admission, whose {@link Admission#outcome()} is a {@link Decision}, a {@link
   *     MissingKey} or a {@link StoreUnavailable} (in both of those cases nothing was counted)
   */
  public Admission admit(EndpointLimits limits, RequestView request) {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(request, "request");
    int n = limits.size();
    String[] keys = new String[n];
    for (int i = 0; i < n; i++) {
      if (limits.conditional()) {
        if (limits.exempts(i, request, apiKeyHeader, clientAddress)) {
          if (listener != null) {
            listener.exempt(limits.policy(i), null);
          }
          continue;
        }
        KeyExpression unless = limits.unless(i);
        if (unless != null && unless.resolve(request, apiKeyHeader, clientAddress) != null) {
          continue;
        }
      }
      String key = limits.key(i).resolve(request, apiKeyHeader, clientAddress);
      if (key == null) {
        if (limits.policy(i).optional()) {
          continue;
        }
        MissingKey missing =
            limits.key(i).missing(limits.policy(i).name(), request, apiKeyHeader, clientAddress);
        return Admission.of(missing(limits.policy(i), missing));
      }
      keys[i] = key;
    }
    String header = limits.idempotencyHeader();
    String idempotencyKey = header == null ? null : request.header(header);
    return admitResolved(
        limits, keys, idempotencyKey == null || idempotencyKey.isEmpty() ? null : idempotencyKey);
  }

  /**
   * Decides a request whose keys the caller resolved, as {@link #admit(EndpointLimits,
   * RequestView)} does, for limits of any kind: one key per policy, in order, or null for a limit
   * that does not apply to this request. Without a request there is no idempotency key and no
   * caller to exempt: idempotent retries and configured exemptions do not apply here (the {@link
   * LimitResolver} still does).
   *
   * @param limits the limits
   * @param keys one key per policy, null for a limit that does not apply
   * @return the admission; its outcome is a {@link Decision}, or a {@link StoreUnavailable}
   * @throws IllegalArgumentException if the number of keys does not match or a key is empty
   */
  public Admission admit(EndpointLimits limits, @Nullable String... keys) {
    Objects.requireNonNull(limits, "limits");
    if (keys.length != limits.size()) {
      throw new IllegalArgumentException(
          "expected " + limits.size() + " keys, one per policy, got " + keys.length);
    }
    String[] copy = Arrays.copyOf(keys, keys.length);
    for (int i = 0; i < copy.length; i++) {
      if (copy[i] != null && copy[i].isEmpty()) {
        throw new IllegalArgumentException(
            "key " + i + " for policy " + limits.policy(i).name() + " is empty");
      }
    }
    return admitResolved(limits, copy, null);
  }

  /** Reports a missing key to the listener, if any, and returns it. */
  private MissingKey missing(RateLimitPolicy policy, @Nullable MissingKey missing) {
    Objects.requireNonNull(missing, "a key that does not resolve has a missing part");
    if (listener != null) {
      listener.missingKey(policy, missing);
    }
    return missing;
  }

  /** Reports a store that could not decide to the listener, if any, and returns the answer. */
  private StoreUnavailable unavailable(RateLimitPolicy policy, StoreException e) {
    StoreUnavailable unavailable = new StoreUnavailable(policy.name(), e.retryAfter());
    if (listener != null) {
      listener.storeUnavailable(policy, unavailable, e);
    }
    return unavailable;
  }

  /**
   * Reports a decision to {@code listener}: each applying limit admitted, or each rejecting one
   * rejected. Called only when a listener is registered.
   */
  private static void report(
      RateLimitListener listener,
      EndpointLimits limits,
      @Nullable String[] keys,
      @Nullable LimitStatus[] statuses,
      boolean allowed) {
    for (int i = 0; i < statuses.length; i++) {
      LimitStatus status = statuses[i];
      String key = keys[i];
      if (status == null || key == null) {
        continue;
      }
      if (allowed) {
        listener.admitted(limits.policy(i), status, key);
      } else if (!status.allowed()) {
        listener.rejected(limits.policy(i), status, key);
      }
    }
  }

  /** The listener the engine reports to, or null when none is registered; for {@link Admission}. */
  @Nullable RateLimitListener listener() {
    return listener;
  }

  private static void requireNoCompletion(EndpointLimits limits) {
    if (limits.completes()) {
      throw new IllegalArgumentException(
          "these limits give back units when the response completes (a limit on requests in"
              + " flight, or one that counts only some statuses), so decide them with admit() and"
              + " complete the Admission it returns: "
              + limits);
    }
  }

  /**
   * Takes the units of every limit whose key is not null, or of none, and applies idempotent
   * retries: the engine of {@link #admit}.
   */
  private Admission admitResolved(
      EndpointLimits limits, @Nullable String[] keys, @Nullable String idempotencyKey) {
    int n = limits.size();
    long[] applied = new long[n];
    int applicable = 0;
    for (int i = 0; i < n; i++) {
      String key = keys[i];
      if (key != null) {
        long limit = limit(limits.policy(i), key);
        if (limit == LimitResolver.UNLIMITED) {
          keys[i] = null;
          if (listener != null) {
            listener.exempt(limits.policy(i), key);
          }
        } else {
          applied[i] = limit;
          applicable++;
        }
      }
    }
    if (applicable == 0) {
      return Admission.exempt(limits, Decision.exempt(clock.epochNanos()));
    }
    Admission admission = Admission.taking(this, limits, Decision.exempt(0));
    StepResult result = result();
    LimitStatus[] statuses = new LimitStatus[n];
    boolean allowed = true;
    boolean slotsRefused = false;
    long epochNanos = 0;
    long now = clock.epochNanos();
    for (int i = 0; i < n; i++) {
      String key = keys[i];
      if (key == null) {
        continue;
      }
      RateLimitPolicy policy = limits.policy(i);
      String storeKey = storeKey(limits, i, key);
      try {
        store.apply(storeKey, limits.acquireStep(i, applied[i]), result);
      } catch (StoreException e) {
        admission.giveBackAll(true, true);
        return Admission.of(unavailable(policy, e));
      }
      statuses[i] = status(limits, i, result);
      if (result.allowed()) {
        admission.record(
            i, storeKey, applied[i], policy.cost(), result.stampNanos(), result.generation(), now);
      } else {
        slotsRefused |= policy.kind() == LimitKind.CONCURRENCY;
      }
      allowed &= result.allowed();
      epochNanos = Math.max(epochNanos, result.stampNanos());
    }
    if (idempotencyKey != null && !slotsRefused) {
      int first = 0;
      while (keys[first] == null) {
        first++;
      }
      String marker =
          IDEMPOTENCY_PREFIX
              .concat(limits.keyPrefix(first))
              .concat(hashedIfLong(keys[first] + '\u0000' + idempotencyKey));
      long window = limits.idempotencyWindowNanos();
      int retries = limits.idempotentRetries();
      boolean repeat =
          allowed
              ? !remember(marker, window, result) && retry(marker, window, retries, result)
              : seen(marker, window, result) && retry(marker, window, retries, result);
      if (repeat) {
        // a retry of an admitted request: it takes nothing from the rate limits
        admission.giveBackAll(true, false);
        for (int i = 0; i < n; i++) {
          LimitStatus status = statuses[i];
          if (status != null && limits.policy(i).kind() == LimitKind.RATE) {
            statuses[i] = admittedAsRetry(status, limits.policy(i).cost());
          }
        }
        allowed = true;
      }
    }
    if (!allowed) {
      admission.giveBackAll(true, true);
    }
    List<LimitStatus> applying;
    if (applicable == n) {
      applying = List.of(statuses); // every limit applied: no copy
    } else {
      LimitStatus[] some = new LimitStatus[applicable];
      int next = 0;
      for (LimitStatus status : statuses) {
        if (status != null) {
          some[next++] = status;
        }
      }
      applying = List.of(some);
    }
    Decision decision = Decision.of(allowed, applying, epochNanos);
    if (listener != null) {
      report(listener, limits, keys, statuses, allowed);
    }
    if (!allowed) {
      return Admission.of(decision);
    }
    boolean slots = admission.holdsSlots();
    admission.decided(decision, slots);
    if (slots) {
      leaseStarted(admission);
    }
    return admission;
  }

  /** Store keys of remembered idempotency keys start with this; no policy name contains a tilde. */
  private static final String IDEMPOTENCY_PREFIX = "~idempotency:";

  /**
   * Remembers an idempotency key of an admitted request; returns false when it was remembered
   * already (the request is a retry). A store that cannot answer makes it a new request: charged.
   */
  private boolean remember(String marker, long windowNanos, StepResult result) {
    try {
      store.apply(marker, Step.acquire(Algorithm.SLIDING_WINDOW, windowNanos, 1, 1), result);
      return result.allowed();
    } catch (StoreException e) {
      return true;
    }
  }

  /**
   * Whether an admitted request brought this idempotency key within the window, asked without
   * remembering it: a step with limit 0 takes nothing and tells, through the time until the state
   * is empty, whether a unit is there. A store that cannot answer makes it unseen: rejected.
   */
  private boolean seen(String marker, long windowNanos, StepResult result) {
    try {
      store.apply(marker, Step.acquire(Algorithm.SLIDING_WINDOW, windowNanos, 0, 1), result);
      return result.resetAfterNanos() > 0;
    } catch (StoreException e) {
      return false;
    }
  }

  /** The status of a retry: allowed, and what it took (if anything) back in what remains. */
  /**
   * Counts a free retry of a remembered idempotency key, in the same entry as the key itself (one
   * unit for the admitted request, one per retry); false once the key's free retries are spent, or
   * when the store cannot answer, so that the request is charged like any other.
   */
  private boolean retry(String marker, long windowNanos, int retries, StepResult result) {
    try {
      store.apply(
          marker, Step.acquire(Algorithm.SLIDING_WINDOW, windowNanos, 1L + retries, 1), result);
      return result.allowed();
    } catch (StoreException e) {
      return false;
    }
  }

  private static LimitStatus admittedAsRetry(LimitStatus status, long cost) {
    return new LimitStatus(
        status.policy(),
        status.limit(),
        status.windowNanos(),
        status.allowed() ? Math.min(status.limit(), status.remaining() + cost) : status.remaining(),
        status.resetAfterNanos(),
        0,
        true,
        status.kind());
  }

  /**
   * Decides a request whose keys the caller resolved: one key per policy, in order.
   *
   * @param limits the limits
   * @param keys one non-empty key per policy
   * @return the decision
   * @throws IllegalArgumentException if the number of keys does not match or a key is empty, or the
   *     limits {@link EndpointLimits#completes() need completing} (use {@link
   *     #admit(EndpointLimits, String...)} for those)
   * @throws StoreException if the store cannot decide; nothing was counted
   */
  public Decision acquire(EndpointLimits limits, String... keys) {
    Objects.requireNonNull(limits, "limits");
    requireNoCompletion(limits);
    if (keys.length != limits.size()) {
      throw new IllegalArgumentException(
          "expected " + limits.size() + " keys, one per policy, got " + keys.length);
    }
    String[] copy = Arrays.copyOf(keys, keys.length);
    for (int i = 0; i < copy.length; i++) {
      if (copy[i] == null || copy[i].isEmpty()) {
        throw new IllegalArgumentException(
            "key " + i + " for policy " + limits.policy(i).name() + " is empty");
      }
    }
    return (Decision) decide(limits, copy, true);
  }

  /**
   * Takes the units from every limit, or from none. On a store failure, gives back what was taken
   * and either rethrows or answers {@link StoreUnavailable}.
   *
   * <p>One result holder serves every store call; what a later release needs of an acquire (its
   * limit, time and generation) is kept in {@code taken}, three longs per limit, and whether it
   * took units in its status.
   */
  private Outcome decide(EndpointLimits limits, String[] keys, boolean rethrow) {
    int n = limits.size();
    if (n == 1) {
      return decideOne(limits, keys[0], rethrow);
    }
    StepResult result = result();
    LimitStatus[] statuses = new LimitStatus[n];
    long[] taken =
        new long[3 * n]; // per limit: the limit applied, the acquire's time and generation
    boolean allowed = true;
    long epochNanos = 0;
    for (int i = 0; i < n; i++) {
      RateLimitPolicy policy = limits.policy(i);
      long limit = limit(policy, keys[i]);
      if (limit == LimitResolver.UNLIMITED) {
        if (listener != null) {
          listener.exempt(policy, keys[i]);
        }
        continue; // exempt: not counted, not in the decision
      }
      Step step = limits.acquireStep(i, limit);
      try {
        store.apply(storeKey(limits, i, keys[i]), step, result);
      } catch (StoreException e) {
        giveBack(limits, keys, taken, statuses, result, i);
        if (rethrow) {
          if (listener != null) {
            unavailable(policy, e); // reported, though acquire() throws rather than answers it
          }
          throw e;
        }
        return unavailable(policy, e);
      }
      taken[3 * i] = limit;
      taken[3 * i + 1] = result.stampNanos();
      taken[3 * i + 2] = result.generation();
      statuses[i] = status(limits, i, result);
      allowed &= result.allowed();
      epochNanos = Math.max(epochNanos, result.stampNanos());
    }
    if (!allowed) {
      giveBack(limits, keys, taken, statuses, result, n);
    }
    if (listener != null) {
      report(listener, limits, keys, statuses, allowed);
    }
    List<LimitStatus> applying = new ArrayList<>(n);
    for (LimitStatus status : statuses) {
      if (status != null) {
        applying.add(status);
      }
    }
    return applying.isEmpty()
        ? Decision.exempt(clock.epochNanos())
        : Decision.of(allowed, applying, epochNanos);
  }

  /** One limit: nothing to give back, whatever happens, so no bookkeeping. */
  private Outcome decideOne(EndpointLimits limits, String key, boolean rethrow) {
    RateLimitPolicy policy = limits.policy(0);
    long limit = limit(policy, key);
    if (limit == LimitResolver.UNLIMITED) {
      if (listener != null) {
        listener.exempt(policy, key);
      }
      return Decision.exempt(clock.epochNanos());
    }
    StepResult result = result();
    try {
      store.apply(storeKey(limits, 0, key), limits.acquireStep(0, limit), result);
    } catch (StoreException e) {
      if (rethrow) {
        if (listener != null) {
          unavailable(policy, e); // reported, though acquire() throws rather than answers it
        }
        throw e;
      }
      return unavailable(policy, e);
    }
    LimitStatus status = status(limits, 0, result);
    if (listener != null) {
      if (result.allowed()) {
        listener.admitted(policy, status, key);
      } else {
        listener.rejected(policy, status, key);
      }
    }
    return Decision.of(result.allowed(), List.of(status), result.stampNanos());
  }

  private long limit(RateLimitPolicy policy, String key) {
    long limit = limitResolver.limit(policy, key);
    if (limit == LimitResolver.UNLIMITED) {
      return limit;
    }
    if (limit < 0 || limit > Step.MAX_LIMIT) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "the LimitResolver returned %d for policy %s; a limit is from 0 to %d, or"
                  + " LimitResolver.UNLIMITED to exempt the key",
              limit,
              policy.name(),
              Step.MAX_LIMIT));
    }
    return limit;
  }

  private static LimitStatus status(EndpointLimits limits, int index, StepResult r) {
    RateLimitPolicy policy = limits.policy(index);
    if (policy.kind() == LimitKind.CONCURRENCY) {
      // when a slot comes back is not known: a short, fixed wait, so that no client queues
      long wait = r.remaining() == 0 ? LimitStatus.CONCURRENCY_RETRY_NANOS : 0;
      return new LimitStatus(
          policy.name(),
          r.limit(),
          limits.windowNanos(index),
          r.remaining(),
          wait,
          r.allowed() ? 0 : LimitStatus.CONCURRENCY_RETRY_NANOS,
          r.allowed(),
          LimitKind.CONCURRENCY);
    }
    return new LimitStatus(
        policy.name(),
        r.limit(),
        limits.windowNanos(index),
        r.remaining(),
        r.resetAfterNanos(),
        r.retryAfterNanos(),
        r.allowed());
  }

  /**
   * Gives back {@code units} taken by an earlier acquire of the limit at {@code index}, to the
   * state that took them; returns whether that state was found. A store failure drops the give-back
   * (the units return when their time passes: stricter for a while, never looser).
   */
  boolean release(
      EndpointLimits limits,
      int index,
      String storeKey,
      long limit,
      long units,
      long stampNanos,
      long generation) {
    RateLimitPolicy policy = limits.policy(index);
    Step release =
        Step.release(
            policy.algorithm(), limits.windowNanos(index), limit, units, stampNanos, generation);
    StepResult result = result();
    try {
      store.apply(storeKey, release, result);
      return result.allowed();
    } catch (StoreException e) {
      return false;
    }
  }

  /**
   * Takes up to {@code units} more from the limit at {@code index} for {@code admission}: all of
   * them if they are left, else what is left.
   */
  long charge(
      Admission admission,
      EndpointLimits limits,
      int index,
      String storeKey,
      long limit,
      long units) {
    RateLimitPolicy policy = limits.policy(index);
    long windowNanos = limits.windowNanos(index);
    StepResult result = result();
    long asked = Math.min(units, Step.MAX_LIMIT);
    store.apply(storeKey, Step.acquire(policy.algorithm(), windowNanos, limit, asked), result);
    if (!result.allowed()) {
      asked = Math.min(asked, result.remaining());
      if (asked == 0) {
        return charged(policy, units, 0);
      }
      store.apply(storeKey, Step.acquire(policy.algorithm(), windowNanos, limit, asked), result);
      if (!result.allowed()) {
        return charged(policy, units, 0); // taken by others meanwhile: the key is spent
      }
    }
    admission.record(
        index,
        storeKey,
        limit,
        asked,
        result.stampNanos(),
        result.generation(),
        clock.epochNanos());
    return charged(policy, units, asked);
  }

  /** Reports a charge to the listener, if any, and returns the units charged. */
  private long charged(RateLimitPolicy policy, long requested, long charged) {
    if (listener != null) {
      listener.charged(policy, requested, charged);
    }
    return charged;
  }

  /**
   * Takes a new slot for a lease renewal, whatever the limit (the request holds one already, which
   * is given back right after); returns its stamp and generation, or null if the store failed.
   */
  long @Nullable [] renewSlot(EndpointLimits limits, int index, String storeKey) {
    RateLimitPolicy policy = limits.policy(index);
    StepResult result = result();
    try {
      store.apply(
          storeKey,
          Step.acquire(policy.algorithm(), limits.windowNanos(index), Step.MAX_LIMIT, 1),
          result);
    } catch (StoreException e) {
      return null;
    }
    return result.allowed() ? new long[] {result.stampNanos(), result.generation()} : null;
  }

  private void leaseStarted(Admission admission) {
    leased.add(admission);
    synchronized (renewalLock) {
      if (renewal == null && !closed) {
        ScheduledExecutorService executor =
            Executors.newSingleThreadScheduledExecutor(
                task -> {
                  Thread thread = new Thread(task, "limiter-lease-renewal");
                  thread.setDaemon(true);
                  thread.setContextClassLoader(null);
                  return thread;
                });
        // renewQuietly never throws, so the returned future has nothing to report
        var unused =
            executor.scheduleWithFixedDelay(
                this::renewQuietly, RENEW_EVERY_MILLIS, RENEW_EVERY_MILLIS, TimeUnit.MILLISECONDS);
        renewal = executor;
      }
    }
  }

  void leaseEnded(Admission admission) {
    leased.remove(admission);
  }

  /** How often the limiter's own thread renews the leases of requests in flight. */
  private static final long RENEW_EVERY_MILLIS = 1000;

  private void renewQuietly() {
    try {
      renewLeases();
    } catch (RuntimeException e) {
      System.getLogger(RateLimiter.class.getName())
          .log(System.Logger.Level.WARNING, "renewing the leases of requests in flight failed", e);
    }
  }

  /**
   * Renews the leases of the slots held by requests in flight that were taken or renewed a third of
   * their lease ago or more, by the builder's {@link Builder#clock(Clock) clock}. The limiter does
   * this every second on its own thread; tests that move a clock call it to see the renewal at
   * once.
   *
   * @return how many requests hold slots
   */
  public int renewLeases() {
    synchronized (renewalLock) {
      long now = clock.epochNanos();
      for (Admission admission : leased) {
        admission.renew(this, now, 3);
      }
      return leased.size();
    }
  }

  /**
   * Returns how many admitted requests hold slots of limits on requests in flight and are not
   * complete: 0 once every response has completed.
   *
   * @return the requests in flight under this limiter's limits on requests in flight
   */
  public int inFlight() {
    return leased.size();
  }

  /**
   * Gives back the units taken by the first {@code count} limits, to the state that took them,
   * updating the statuses of those given back; a give-back that fails or finds another state is
   * dropped, and the units stay counted until their time has passed.
   */
  private void giveBack(
      EndpointLimits limits,
      String[] keys,
      long[] taken,
      @Nullable LimitStatus[] statuses,
      StepResult result,
      int count) {
    for (int i = count - 1; i >= 0; i--) {
      LimitStatus acquired = statuses[i];
      if (acquired != null && acquired.allowed()) {
        RateLimitPolicy policy = limits.policy(i);
        Step release =
            Step.release(
                policy.algorithm(),
                limits.windowNanos(i),
                taken[3 * i],
                policy.cost(),
                taken[3 * i + 1],
                taken[3 * i + 2]);
        try {
          store.apply(storeKey(limits, i, keys[i]), release, result);
          if (result.allowed()) {
            statuses[i] = status(limits, i, result);
          }
        } catch (StoreException e) {
          // the units return on their own when the window passes: stricter for a while, never
          // looser
        }
      }
    }
  }

  /**
   * Returns the store key: the policy name, a colon and the key, or for a key of more than {@value
   * #MAX_KEY_LENGTH} bytes {@code =} and its SHA-256 digest in URL-safe Base64 (43 characters), so
   * that a key costs the same whatever the client sends. Resolved keys never start with an
   * unescaped {@code =}, so a digest never equals a key a client sent.
   */
  private static String storeKey(EndpointLimits limits, int index, String key) {
    return limits.keyPrefix(index).concat(hashedIfLong(key));
  }

  private static String hashedIfLong(String key) {
    return tooLong(key) ? digest(key) : key;
  }

  /**
   * Whether a key takes more than {@value #MAX_KEY_LENGTH} bytes as a Java string: more than that
   * many characters, or more than half as many when one is outside Latin-1 (two bytes each then).
   */
  static boolean tooLong(String key) {
    int length = key.length();
    if (length <= MAX_KEY_LENGTH / 2) {
      return false;
    }
    if (length > MAX_KEY_LENGTH) {
      return true;
    }
    for (int i = 0; i < length; i++) {
      if (key.charAt(i) > 0xFF) {
        return true;
      }
    }
    return false;
  }

  /** This thread's result holder. */
  private static StepResult result() {
    WeakReference<StepResult> held = RESULTS.get();
    StepResult result = held == null ? null : held.get();
    if (result == null) {
      result = new StepResult();
      RESULTS.set(new WeakReference<>(result));
    }
    return result;
  }

  static String digest(String key) {
    return "=" + sha256(key);
  }

  /** Returns the SHA-256 digest of the UTF-8 bytes of {@code text} in URL-safe Base64. */
  static String sha256(String text) {
    MessageDigest sha256 = SHA_256.get();
    byte[] hash = sha256.digest(text.getBytes(StandardCharsets.UTF_8)); // digest() also resets it
    return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  /**
   * Stops renewing leases and closes the store if this limiter created it; a store passed to the
   * builder stays open.
   */
  @Override
  public void close() {
    synchronized (renewalLock) {
      closed = true;
      if (renewal != null) {
        renewal.shutdownNow();
        renewal = null;
      }
    }
    if (ownsStore) {
      store.close();
    }
  }

  /** Builds a {@link RateLimiter}. */
  public static final class Builder {
    private @Nullable RateLimitStore store;
    private @Nullable RateLimitConfig config;
    private LimitResolver limitResolver = LimitResolver.policyMax();
    private Clock clock = Clock.system();
    private final List<RateLimitListener> listeners = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a listener that hears every decision of the limiter: admitted, rejected, missing keys,
     * exempt callers, a store that cannot decide, refunds and charges. Several may be added; they
     * are called in the order added, each guarded, so that one that throws is logged at most once a
     * minute (by the builder's {@link #clock(Clock) clock}) and never breaks a request. See {@link
     * RateLimitListener} for the contract. To hear a {@link dev.limiter.failover.FailoverStore}'s
     * failures and circuit, register the listener on its builder as well.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(RateLimitListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Uses this clock to time the renewal of leases held by requests in flight and the reports of
     * listeners that throw (the stores keep their own clocks for decisions).
     *
     * @param clock the clock, the system clock by default
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Uses this store instead of the one found on the class path. The limiter does not close it.
     *
     * @param store the store
     * @return this builder
     */
    public Builder store(RateLimitStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Uses this configuration instead of {@link RateLimitConfig#load()}.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder config(RateLimitConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Gives per-key limits (plan tiers, a key's own limit).
     *
     * @param limitResolver the resolver
     * @return this builder
     */
    public Builder limitResolver(LimitResolver limitResolver) {
      this.limitResolver = Objects.requireNonNull(limitResolver, "limitResolver");
      return this;
    }

    /**
     * Builds the limiter.
     *
     * @return the limiter
     * @throws IllegalStateException if no store was given and none can be chosen from the class
     *     path
     * @throws IllegalArgumentException if a configuration value is invalid
     */
    public RateLimiter build() {
      return new RateLimiter(this);
    }
  }
}
