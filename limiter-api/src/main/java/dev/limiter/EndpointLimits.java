/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import dev.limiter.spi.Step;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The limits of one endpoint, validated and with overrides applied, ready to decide requests. Built
 * once per endpoint by {@link RateLimiter#limitsFor} or {@link RateLimiter#limits}.
 *
 * <p>Immutable and thread-safe.
 */
public final class EndpointLimits {

  private final List<RateLimitPolicy> policies;
  private final KeyExpression[] keys;
  private final long[] windowNanos;
  private final String[] keyPrefixes;
  private final Step[] acquireSteps;
  private final @Nullable KeyExpression[] unless;
  private final Exemptions[] exemptions;
  private final Exemptions globalExemptions;
  private final boolean completes;
  private final boolean conditional;
  private final long idempotencyWindowNanos;
  private final @Nullable String idempotencyHeader;
  private final int idempotentRetries;

  EndpointLimits(List<RateLimitPolicy> policies) {
    this(policies, Exemptions.NONE, new Exemptions[policies.size()], 0, null, 0);
  }

  EndpointLimits(
      List<RateLimitPolicy> policies,
      Exemptions globalExemptions,
      @Nullable Exemptions[] exemptions,
      long idempotencyWindowNanos,
      @Nullable String idempotencyHeader,
      int idempotentRetries) {
    this.policies = List.copyOf(policies);
    int n = policies.size();
    this.keys = new KeyExpression[n];
    this.windowNanos = new long[n];
    this.keyPrefixes = new String[n];
    this.acquireSteps = new Step[n];
    this.unless = new KeyExpression[n];
    this.exemptions = new Exemptions[n];
    this.globalExemptions = globalExemptions;
    boolean completes = false;
    boolean conditional = !globalExemptions.isEmpty();
    for (int i = 0; i < n; i++) {
      RateLimitPolicy policy = this.policies.get(i);
      keys[i] = KeyExpression.parse(policy.key());
      windowNanos[i] = policy.window().toNanos();
      keyPrefixes[i] = policy.name() + ':';
      acquireSteps[i] =
          Step.acquire(policy.algorithm(), windowNanos[i], policy.max(), policy.cost());
      unless[i] = policy.unless().isBlank() ? null : KeyExpression.parse(policy.unless());
      Exemptions own = exemptions[i];
      this.exemptions[i] = own == null ? Exemptions.NONE : own;
      completes |= policy.kind() == LimitKind.CONCURRENCY || !policy.countOn().all();
      conditional |= unless[i] != null || policy.optional() || !this.exemptions[i].isEmpty();
    }
    this.completes = completes;
    this.conditional = conditional;
    this.idempotencyWindowNanos = idempotencyWindowNanos;
    this.idempotencyHeader = idempotencyHeader;
    this.idempotentRetries = idempotentRetries;
  }

  /**
   * Returns these limits with idempotent retries, at most {@value #DEFAULT_RETRIES} free retries of
   * one key, as {@link #withIdempotency(Duration, String, int)} describes.
   *
   * @param window how long a value is remembered, from 1 ms to 3660 days
   * @param header the header that carries the value
   * @return the limits with idempotent retries
   * @throws IllegalArgumentException if the window is out of range, the header is not a field name,
   *     or there is no limit
   */
  public EndpointLimits withIdempotency(Duration window, String header) {
    return withIdempotency(window, header, DEFAULT_RETRIES);
  }

  /** The free retries of one idempotency key when none are given: 10. */
  public static final int DEFAULT_RETRIES = 10;

  /**
   * Returns these limits with idempotent retries: a request whose {@code header} repeats a value
   * that an admitted request carried within {@code window}, under the same key of the first limit,
   * takes nothing from the rate limits, as {@link dev.limiter.annotation.IdempotencyKey} describes;
   * after {@code maxRetries} such retries of one value within the window, a repeat is charged like
   * any request, so that one value cannot carry unlimited work past the limits.
   *
   * @param window how long a value is remembered, from 1 ms to 3660 days
   * @param header the header that carries the value
   * @param maxRetries free retries of one value within the window, from 1 to 1,000
   * @return the limits with idempotent retries
   * @throws IllegalArgumentException if the window is out of range, the header is not a field name,
   *     {@code maxRetries} is out of range, or there is no limit
   */
  public EndpointLimits withIdempotency(Duration window, String header, int maxRetries) {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(header, "header");
    if (policies.isEmpty()) {
      throw new IllegalArgumentException(
          "idempotent retries need a limit to remember the keys under; declare a @RateLimit");
    }
    long nanos = window.toNanos();
    if (nanos < Step.MIN_WINDOW_NANOS || nanos > Step.MAX_WINDOW_NANOS) {
      throw new IllegalArgumentException(
          "the idempotency window " + Windows.describe(window) + " must be from 1ms to 3660d");
    }
    if (header.isEmpty() || !header.chars().allMatch(EndpointLimits::isTokenChar)) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "the idempotency header \"%s\" is not a header name such as Idempotency-Key",
              header));
    }
    if (maxRetries < 1 || maxRetries > 1000) {
      throw new IllegalArgumentException(
          "the free retries of one idempotency key are from 1 to 1000, were " + maxRetries);
    }
    return new EndpointLimits(policies, globalExemptions, exemptions, nanos, header, maxRetries);
  }

  private static boolean isTokenChar(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  /**
   * Returns the policies, in the order they are taken: class-level first, then the method's, each
   * in declaration order.
   *
   * @return the policies
   */
  public List<RateLimitPolicy> policies() {
    return policies;
  }

  /**
   * Returns whether the endpoint has no limit, in which case adapters leave it alone.
   *
   * @return true when there is nothing to enforce
   */
  public boolean isEmpty() {
    return policies.isEmpty();
  }

  /**
   * Returns whether a request under these limits must be completed when its response is known
   * ({@link Admission#complete(int)}): a limit on requests in flight, or a limit that counts only
   * some statuses.
   *
   * @return whether the adapters must report the response
   */
  public boolean completes() {
    return completes;
  }

  /** Whether some limit applies only to some requests: exemptions, {@code unless}, optional. */
  boolean conditional() {
    return conditional;
  }

  /** Whether idempotent retries are on. */
  boolean idempotent() {
    return idempotencyHeader != null;
  }

  long idempotencyWindowNanos() {
    return idempotencyWindowNanos;
  }

  int idempotentRetries() {
    return idempotentRetries;
  }

  @Nullable String idempotencyHeader() {
    return idempotencyHeader;
  }

  @Nullable KeyExpression unless(int index) {
    return unless[index];
  }

  /** Whether configuration exempts the request's caller from the limit at {@code index}. */
  boolean exempts(int index, RequestView request, String apiKeyHeader, ClientAddress address) {
    return globalExemptions.exempts(request, apiKeyHeader, address)
        || exemptions[index].exempts(request, apiKeyHeader, address);
  }

  int size() {
    return keys.length;
  }

  RateLimitPolicy policy(int index) {
    return policies.get(index);
  }

  KeyExpression key(int index) {
    return keys[index];
  }

  long windowNanos(int index) {
    return windowNanos[index];
  }

  /** Returns the start of the policy's store keys: its name and a colon. */
  String keyPrefix(int index) {
    return keyPrefixes[index];
  }

  /**
   * Returns the step that takes the policy's cost under {@code limit}; made once for its own max.
   */
  Step acquireStep(int index, long limit) {
    Step step = acquireSteps[index];
    return limit == step.limit()
        ? step
        : Step.acquire(step.algorithm(), step.windowNanos(), limit, step.cost());
  }

  @Override
  public String toString() {
    return "EndpointLimits"
        + policies
        + (idempotencyHeader == null
            ? ""
            : "[idempotent by "
                + idempotencyHeader
                + " for "
                + Windows.describe(Duration.ofNanos(idempotencyWindowNanos))
                + "]");
  }
}
