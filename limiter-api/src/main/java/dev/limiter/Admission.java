/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One request's passage through its limits: the {@link #outcome()} that decided it, and what the
 * request took, so that it can be given back.
 *
 * <p>The adapters make one per limited request ({@link RateLimiter#admit(EndpointLimits,
 * RequestView)}) and {@link #complete(int) complete} it when the response is known, which gives
 * back the request's slots on its limits on requests in flight and the units of its limits whose
 * {@code countOn} the status does not match. Application code reaches it to correct the charge once
 * the real cost is known:
 *
 * <pre>{@code
 * Admission admission = Admission.current().orElseThrow(); // on the thread that runs the method
 * long tokens = model.complete(prompt).tokens();
 * admission.charge("tokens", tokens - 1);                 // the request's cost was 1
 * }</pre>
 *
 * <p>{@link #current()} is set while the adapters run the resource method, servlet or handler on
 * the request's thread; a servlet reads the request attribute {@value #ATTRIBUTE} as well, and
 * asynchronous code keeps the reference it took on that thread.
 *
 * <p>Units go back to exactly the state that took them, as the engine's own give-back does: never
 * to a state created since (after its window passed or the key was evicted), never to another
 * store. Thread-safe; every method may be called from any thread, and {@link #complete(int)} does
 * its work once, however often it is called.
 */
public final class Admission {

  /** The request attribute under which the servlet adapters keep the admission of a request. */
  public static final String ATTRIBUTE = "dev.limiter.Admission";

  private static final ThreadLocal<Admission> CURRENT = new ThreadLocal<>();

  private final @Nullable RateLimiter limiter;
  private final @Nullable EndpointLimits limits;
  private Outcome outcome;

  // What the request took, one entry per acquire (the request's own, then its charges): the store
  // key, and STRIDE longs: the limit's index, the limit applied, the units, the acquire's stamp
  // and generation, when its lease was taken or renewed, and whether it is still held (1) or was
  // given back (0). Two arrays, so that an admission costs little on every request's path.
  private static final int STRIDE = 7;
  private static final int INDEX = 0;
  private static final int APPLIED = 1;
  private static final int UNITS = 2;
  private static final int STAMP = 3;
  private static final int GENERATION = 4;
  private static final int RENEWED = 5;
  private static final int HELD = 6;
  private static final long[] NO_DATA = new long[0];
  private static final String[] NO_KEYS = new String[0];

  private int count;
  private long[] data = NO_DATA;
  private String[] storeKeys = NO_KEYS;
  private boolean completed;
  private boolean leased;

  private Admission(
      @Nullable RateLimiter limiter, @Nullable EndpointLimits limits, Outcome outcome) {
    this.limiter = limiter;
    this.limits = limits;
    this.outcome = outcome;
  }

  /** An admission that took nothing and holds nothing: a rejection, a missing key. */
  static Admission of(Outcome outcome) {
    Admission admission = new Admission(null, null, outcome);
    admission.completed = true;
    return admission;
  }

  /**
   * The admission of a request that no limit applied to: it took nothing, and a refund or a charge
   * of one of the endpoint's rate limits changes nothing.
   */
  static Admission exempt(EndpointLimits limits, Decision decision) {
    Admission admission = new Admission(null, limits, decision);
    admission.completed = true;
    return admission;
  }

  /** An admission whose units the engine is about to record; its outcome is set when decided. */
  static Admission taking(RateLimiter limiter, EndpointLimits limits, Outcome pending) {
    return new Admission(limiter, limits, pending);
  }

  /**
   * Returns the admission of the request that the current thread serves, while an adapter runs the
   * endpoint on it.
   *
   * @return the admission, or empty outside a limited request's endpoint
   */
  public static Optional<Admission> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /**
   * Makes {@code admission} the {@link #current()} one of this thread, or clears it: for adapters,
   * which set it before they run the endpoint and clear it after.
   *
   * @param admission the admission, or null to clear
   */
  public static void setCurrent(@Nullable Admission admission) {
    if (admission == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(admission);
    }
  }

  /**
   * Returns how the limits decided the request.
   *
   * @return a {@link Decision}, a {@link MissingKey} or a {@link StoreUnavailable}
   */
  public synchronized Outcome outcome() {
    return outcome;
  }

  /**
   * Returns whether the request was admitted and runs.
   *
   * @return whether the outcome is an allowed {@link Decision}
   */
  public boolean allowed() {
    return outcome() instanceof Decision decision && decision.allowed();
  }

  /**
   * Completes the request with the status of its response: gives back its slots on limits on
   * requests in flight, and its units on limits whose {@code countOn} does not match {@code
   * status}. Does its work the first time only; later calls change nothing.
   *
   * @param status the response's status; when it cannot be known (the response failed), 500
   */
  public void complete(int status) {
    RateLimiter owner;
    synchronized (this) {
      if (completed) {
        return;
      }
      completed = true;
      owner = limiter;
    }
    if (owner == null) {
      return;
    }
    EndpointLimits endpoint = Objects.requireNonNull(limits);
    try {
      for (int i = 0; i < count(); i++) {
        RateLimitPolicy policy = endpoint.policy(policyIndex(i));
        if (policy.kind() == LimitKind.CONCURRENCY || !policy.countOn().matches(status)) {
          giveBack(owner, endpoint, i, null);
        }
      }
    } finally {
      if (leased) {
        owner.leaseEnded(this); // whatever the store threw: never renewed again
      }
    }
  }

  /**
   * Returns whether {@link #complete(int)} has run, or the request held nothing to complete.
   *
   * @return whether the request is complete
   */
  public synchronized boolean completed() {
    return completed;
  }

  /**
   * Gives back every unit this request took from its rate limits (its own cost and what {@link
   * #charge} added), as if it had not been counted; its slots on limits on requests in flight stay
   * held until it completes. Units whose time has passed, or whose state is gone (evicted, another
   * window), are not given back: a refund never adds to a window that did not take the units.
   */
  public void refund() {
    refundOf(null);
  }

  /**
   * Gives back the units this request took from one rate limit, as {@link #refund()} does for all.
   *
   * @param policy the policy's name
   * @throws IllegalArgumentException if {@code policy} is not a rate limit of this request's
   *     endpoint (one that did not apply to this request, being exempt or turned off, gives back
   *     nothing)
   */
  public void refund(String policy) {
    refundOf(Objects.requireNonNull(policy, "policy"));
  }

  private void refundOf(@Nullable String policy) {
    EndpointLimits endpoint = limits;
    if (policy != null) {
      requireRateLimit(endpoint, policy);
    }
    RateLimiter owner = limiter;
    if (owner == null || endpoint == null) {
      return; // took nothing
    }
    for (int i = 0; i < count(); i++) {
      RateLimitPolicy p = endpoint.policy(policyIndex(i));
      if (p.kind() == LimitKind.RATE && (policy == null || p.name().equals(policy))) {
        giveBack(owner, endpoint, i, owner.listener());
      }
    }
  }

  /**
   * Takes {@code units} more from one of this request's rate limits, once its real cost is known
   * (tokens generated, credits spent). When fewer remain, takes what remains: the request ran
   * already, so the limiter charges what it can and the key waits for the rest to come back. What
   * is charged here is given back by {@link #refund()} like the request's own cost.
   *
   * @param policy the policy's name
   * @param units the units to add, at least 1
   * @return the units taken, from 0 to {@code units}; 0 when the limit did not apply to this
   *     request (the caller is exempt, or {@code unless} or {@code optional} turned it off)
   * @throws IllegalArgumentException if {@code policy} is not a rate limit of this request's
   *     endpoint, or {@code units} is below 1
   * @throws dev.limiter.spi.StoreException if the store cannot answer; nothing was charged
   */
  public long charge(String policy, long units) {
    Objects.requireNonNull(policy, "policy");
    if (units < 1) {
      throw new IllegalArgumentException("units to charge must be at least 1, was " + units);
    }
    EndpointLimits endpoint = limits;
    requireRateLimit(endpoint, policy);
    RateLimiter owner = limiter;
    int index = endpoint == null ? -1 : index(endpoint, policy);
    if (owner == null || endpoint == null || index < 0) {
      return 0; // the limit did not apply to this request (exempt, unless, optional)
    }
    String storeKey;
    long limit;
    synchronized (this) {
      int first = firstOf(index);
      storeKey = storeKeys[first];
      limit = data[first * STRIDE + APPLIED];
    }
    return owner.charge(this, endpoint, index, storeKey, limit, units);
  }

  /**
   * Returns the index of {@code policy} among the limits this request took units from, or -1 when
   * it is a rate limit of the endpoint that took none from this request.
   */
  private int index(EndpointLimits endpoint, String policy) {
    synchronized (this) {
      for (int i = 0; i < count; i++) {
        int index = (int) data[i * STRIDE + INDEX];
        RateLimitPolicy p = endpoint.policy(index);
        if (p.name().equals(policy) && p.kind() == LimitKind.RATE) {
          return index;
        }
      }
    }
    return -1;
  }

  /** Throws unless {@code policy} names a rate limit of the endpoint this request went through. */
  private static void requireRateLimit(@Nullable EndpointLimits endpoint, String policy) {
    if (endpoint == null) {
      throw new IllegalArgumentException(
          "this request was not admitted, so it took nothing to refund or charge (policy \""
              + policy
              + "\")");
    }
    StringBuilder names = new StringBuilder();
    for (RateLimitPolicy p : endpoint.policies()) {
      if (p.kind() != LimitKind.RATE) {
        continue;
      }
      if (p.name().equals(policy)) {
        return;
      }
      names.append(names.length() == 0 ? "" : ", ").append('"').append(p.name()).append('"');
    }
    throw new IllegalArgumentException(
        "policy \""
            + policy
            + "\" is not a rate limit of this endpoint; its rate limits are "
            + (names.length() == 0 ? "none" : names));
  }

  private synchronized int firstOf(int index) {
    for (int i = 0; i < count; i++) {
      if ((int) data[i * STRIDE + INDEX] == index) {
        return i;
      }
    }
    throw new IllegalStateException("no acquire recorded for limit " + index);
  }

  /**
   * Gives back acquire {@code i} if it is still held, and reports it to {@code refunds} unless that
   * is null (a refund by application code, not the engine's own give-back).
   */
  private void giveBack(
      RateLimiter owner, EndpointLimits endpoint, int i, @Nullable RateLimitListener refunds) {
    String storeKey;
    long limit;
    long amount;
    long stamp;
    long generation;
    synchronized (this) {
      if (data[i * STRIDE + HELD] == 0) {
        return;
      }
      data[i * STRIDE + HELD] = 0;
      storeKey = storeKeys[i];
      limit = data[i * STRIDE + APPLIED];
      amount = data[i * STRIDE + UNITS];
      stamp = data[i * STRIDE + STAMP];
      generation = data[i * STRIDE + GENERATION];
    }
    int index = policyIndex(i);
    boolean returned = owner.release(endpoint, index, storeKey, limit, amount, stamp, generation);
    if (refunds != null) {
      refunds.refunded(endpoint.policy(index), amount, returned);
    }
  }

  // ---- the engine's side

  synchronized int count() {
    return count;
  }

  synchronized int policyIndex(int i) {
    return (int) data[i * STRIDE + INDEX];
  }

  /** Records an acquire that took {@code amount} units. */
  synchronized void record(
      int index,
      String storeKey,
      long limit,
      long amount,
      long stamp,
      long generation,
      long nowNanos) {
    if (count == storeKeys.length) {
      int size = Math.max(limits == null ? 1 : limits.size(), count * 2);
      data = Arrays.copyOf(data, size * STRIDE);
      storeKeys = Arrays.copyOf(storeKeys, size);
    }
    int at = count * STRIDE;
    data[at + INDEX] = index;
    data[at + APPLIED] = limit;
    data[at + UNITS] = amount;
    data[at + STAMP] = stamp;
    data[at + GENERATION] = generation;
    data[at + RENEWED] = nowNanos;
    data[at + HELD] = 1;
    storeKeys[count] = storeKey;
    count++;
  }

  /** Gives back every acquire still held, of the kinds asked for; used before an answer is sent. */
  void giveBackAll(boolean rate, boolean concurrency) {
    RateLimiter owner = limiter;
    EndpointLimits endpoint = limits;
    if (owner == null || endpoint == null) {
      return;
    }
    for (int i = 0; i < count(); i++) {
      LimitKind kind = endpoint.policy(policyIndex(i)).kind();
      if (kind == LimitKind.RATE ? rate : concurrency) {
        giveBack(owner, endpoint, i, null);
      }
    }
  }

  /** Whether the request holds a slot of a limit on requests in flight. */
  boolean holdsSlots() {
    EndpointLimits endpoint = limits;
    if (endpoint == null) {
      return false;
    }
    synchronized (this) {
      for (int i = 0; i < count; i++) {
        if (data[i * STRIDE + HELD] != 0
            && endpoint.policy((int) data[i * STRIDE + INDEX]).kind() == LimitKind.CONCURRENCY) {
          return true;
        }
      }
    }
    return false;
  }

  synchronized void decided(Outcome decided, boolean slots) {
    this.outcome = decided;
    this.leased = slots;
    if (!slots && count == 0) {
      completed = true; // nothing to give back at completion
    }
  }

  /**
   * Renews the leases of this request's slots that were taken or renewed {@code ageNanos} or more
   * before {@code nowNanos}: takes a slot anew at the store's time and then gives back the old one,
   * so that the request holds at least one slot at every instant and never more than two.
   */
  void renew(RateLimiter owner, long nowNanos, long minAgeDivisor) {
    EndpointLimits endpoint = Objects.requireNonNull(limits);
    for (int i = 0; i < count(); i++) {
      String storeKey;
      long limit;
      long stamp;
      long generation;
      int index;
      synchronized (this) {
        index = (int) data[i * STRIDE + INDEX];
        RateLimitPolicy policy = endpoint.policy(index);
        if (completed
            || data[i * STRIDE + HELD] == 0
            || policy.kind() != LimitKind.CONCURRENCY
            || nowNanos - data[i * STRIDE + RENEWED] < policy.window().toNanos() / minAgeDivisor) {
          continue;
        }
        storeKey = storeKeys[i];
        limit = data[i * STRIDE + APPLIED];
        stamp = data[i * STRIDE + STAMP];
        generation = data[i * STRIDE + GENERATION];
      }
      long[] renewed = owner.renewSlot(endpoint, index, storeKey);
      if (renewed == null) {
        continue; // the store could not answer: the old lease stands until it runs out
      }
      boolean stillHeld;
      synchronized (this) {
        stillHeld = !completed && data[i * STRIDE + HELD] != 0;
        if (stillHeld) {
          data[i * STRIDE + STAMP] = renewed[0];
          data[i * STRIDE + GENERATION] = renewed[1];
          data[i * STRIDE + RENEWED] = nowNanos;
        }
      }
      // give back the old slot; if the request completed meanwhile, completion gave back the old
      // one already (it had not seen the new), so give back the new one instead
      if (stillHeld) {
        owner.release(endpoint, index, storeKey, limit, 1, stamp, generation);
      } else {
        owner.release(endpoint, index, storeKey, limit, 1, renewed[0], renewed[1]);
      }
    }
  }

  @Override
  public String toString() {
    return "Admission[" + outcome() + (completed() ? ", completed]" : "]");
  }
}
