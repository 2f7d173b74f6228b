/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import dev.limiter.failover.FailoverStore;
import dev.limiter.failover.FailureMode;
import dev.limiter.spi.StoreException;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Hears what the limiter decides and what its store does, for metrics, traces and audit logs. Every
 * method does nothing unless overridden, so a listener overrides only what it counts.
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.builder()
 *     .store(store)
 *     .listener(new RateLimitListener() {
 *       @Override
 *       public void rejected(RateLimitPolicy policy, LimitStatus status, String key) {
 *         rejections.increment(policy.name()); // by policy: never by key
 *       }
 *     })
 *     .build();
 * }</pre>
 *
 * <p>Register it on {@link RateLimiter.Builder#listener(RateLimitListener)} for the engine's
 * events, and on {@link FailoverStore.Builder#listener(RateLimitListener)} for the store's: failed
 * calls, the failure mode's answers and the circuit breaker.
 *
 * <p>The contract:
 *
 * <ul>
 *   <li>Listeners are called synchronously, on the thread that decides the request, while it waits:
 *       they must be fast (count, record, hand off; never block, never call a store).
 *   <li>They must not throw. One that does never breaks a request: what it throws (an exception, or
 *       a linkage error such as a missing class of a metrics library) is caught and logged at
 *       {@code WARNING} (logger {@code dev.limiter.RateLimitListener}) at most once a minute per
 *       listener, and the request goes on as if it had returned.
 *   <li>Keys are passed so that a listener can sample or audit them; metrics must never tag by key,
 *       which is chosen by clients and unbounded. Tag by the policy's name, which is bounded by the
 *       application's code and configuration.
 *   <li>Methods may be called concurrently from many threads.
 * </ul>
 *
 * <p>With no listener registered, the engine and the store call nothing and make no event.
 */
public interface RateLimitListener {

  /**
   * A request was admitted: called once for each limit that applied to it.
   *
   * @param policy the limit, with its {@link RateLimitPolicy#cost() cost} per request
   * @param status where the limit stands for this key after the request: {@link
   *     LimitStatus#limit()} and {@link LimitStatus#remaining()}
   * @param key the resolved key; never a metric tag
   */
  default void admitted(RateLimitPolicy policy, LimitStatus status, String key) {}

  /**
   * A request was rejected: called once for each limit that rejected it (the request took nothing
   * from any limit).
   *
   * @param policy the rejecting limit, with its {@link RateLimitPolicy#cost() cost} per request
   * @param status where the limit stands for this key: {@link LimitStatus#limit()}, {@link
   *     LimitStatus#remaining()} and {@link LimitStatus#retryAfter()}
   * @param key the resolved key; never a metric tag
   */
  default void rejected(RateLimitPolicy policy, LimitStatus status, String key) {}

  /**
   * A request lacked what a limit is keyed on, and was answered without being counted.
   *
   * @param policy the limit whose key did not resolve
   * @param missing what the request lacked
   */
  default void missingKey(RateLimitPolicy policy, MissingKey missing) {}

  /**
   * A limit did not apply to a request because its caller is exempt: configured exempt ({@code
   * ratelimit.exempt.*}), or exempted by the {@link LimitResolver} ({@link
   * LimitResolver#UNLIMITED}). Limits turned off by {@code unless} or {@code optional} are not
   * reported.
   *
   * @param policy the limit that did not apply
   * @param key the resolved key, or null when the caller was exempted before its key was resolved
   */
  default void exempt(RateLimitPolicy policy, @Nullable String key) {}

  /**
   * The store could not decide a request and nothing answered in its place, so the engine answers
   * {@link StoreUnavailable} ({@code 503}): a store without a failure mode failed, or a {@link
   * FailoverStore}'s mode is {@link FailureMode#FAIL_CLOSED}. Also reported when {@link
   * RateLimiter#acquire(EndpointLimits, String...)} throws the store's exception instead.
   *
   * @param policy the limit whose store call failed
   * @param unavailable what the engine answers
   * @param cause what the store threw
   */
  default void storeUnavailable(
      RateLimitPolicy policy, StoreUnavailable unavailable, StoreException cause) {}

  /**
   * Application code gave back units through {@link Admission#refund()} or {@link
   * Admission#refund(String)}: called once for each acquire given back.
   *
   * @param policy the limit given back to
   * @param units the units given back
   * @param returned whether the state that took them was found and took them back; false when their
   *     time had passed, the key was evicted, or the store could not answer
   */
  default void refunded(RateLimitPolicy policy, long units, boolean returned) {}

  /**
   * Application code took more units through {@link Admission#charge(String, long)}.
   *
   * @param policy the limit charged
   * @param requested the units asked for
   * @param charged the units taken, from 0 to {@code requested}
   */
  default void charged(RateLimitPolicy policy, long requested, long charged) {}

  /**
   * A call to the store that a {@link FailoverStore} wraps failed (threw, or ran out of its time
   * budget).
   *
   * @param store the wrapped store's name, as in the failover store's log
   * @param failure what the store threw
   */
  default void storeFailed(String store, StoreException failure) {}

  /**
   * A {@link FailoverStore}'s failure mode answered a store call in place of the wrapped store:
   * because the call failed, or because the circuit was open. For {@link FailureMode#FAIL_CLOSED}
   * the engine then answers {@link StoreUnavailable} and reports {@link #storeUnavailable} too.
   *
   * @param store the wrapped store's name
   * @param mode what answered: {@link FailureMode#FAIL_OPEN}, {@link FailureMode#FAIL_CLOSED} or
   *     {@link FailureMode#LOCAL_FALLBACK}
   * @param storeKey the store key: the policy's name, a colon and the key (or its digest), or for a
   *     remembered idempotency key a marker that starts with {@code ~idempotency:}; never a metric
   *     tag
   */
  default void failureModeAnswered(String store, FailureMode mode, String storeKey) {}

  /**
   * A {@link FailoverStore}'s circuit opened after failures in a row: the wrapped store is left
   * alone, but for probes, and the failure mode answers.
   *
   * @param store the wrapped store's name
   * @param domain the failure domain whose circuit opened ({@code the store} without failure
   *     domains; a cluster member with them), bounded by the cluster's size
   * @param failure the failure that opened it
   */
  default void circuitOpened(String store, String domain, StoreException failure) {}

  /**
   * A {@link FailoverStore}'s circuit closed: a call of the wrapped store succeeded after the
   * circuit had opened, and the store decides again.
   *
   * @param store the wrapped store's name
   * @param domain the failure domain whose circuit closed
   * @param failures the failures in a row that the success ended
   */
  default void circuitClosed(String store, String domain, int failures) {}

  /**
   * Returns one listener that calls each of {@code listeners} in order, each guarded as the class
   * description says: what one throws is caught and logged at most once a minute, by {@code clock},
   * and the next is called.
   *
   * @param clock the clock that times the log reports
   * @param listeners the listeners, at least one
   * @return the listener
   * @throws IllegalArgumentException if {@code listeners} is empty
   */
  static RateLimitListener of(Clock clock, List<? extends RateLimitListener> listeners) {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(listeners, "listeners");
    if (listeners.isEmpty()) {
      throw new IllegalArgumentException("listeners must not be empty");
    }
    return new GuardedListeners(listeners, clock);
  }
}
