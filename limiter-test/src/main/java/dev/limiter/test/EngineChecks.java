/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.test;

import dev.limiter.Admission;
import dev.limiter.Decision;
import dev.limiter.LimitResolver;
import dev.limiter.LimitStatus;
import dev.limiter.ManualClock;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import dev.limiter.RequestView;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;

/**
 * What the kit's groups that go through a real {@link RateLimiter} share: the store and clock of
 * the running test, limiters on them, a request, and a way to read what a key holds.
 *
 * <p>Each group is a {@link org.junit.jupiter.api.Nested} class of {@link StoreCompatibilityKit}
 * that extends one of these and hands it the kit's store and clock, so that the kit keeps its
 * single entry point while each group lives in a file of its own.
 */
abstract class EngineChecks {

  /** Threads of the engine's concurrency tests: many more than cores, so that requests overlap. */
  static final int THREADS = 32;

  /** The store of the running test. */
  abstract RateLimitStore store();

  /** The clock the store reads; the tests move it. */
  abstract ManualClock clock();

  /** How many requests a concurrency test makes in all ({@code concurrentAttempts()}). */
  abstract int attempts();

  /** A limiter on the test's store and clock, with no configuration from the environment. */
  final RateLimiter limiter() {
    return limiter(LimitResolver.policyMax());
  }

  /** A limiter as {@link #limiter()}, with per-key limits from {@code resolver}. */
  final RateLimiter limiter(LimitResolver resolver) {
    RateLimitConfig isolated =
        RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build();
    return RateLimiter.builder()
        .store(store())
        .config(isolated)
        .clock(clock())
        .limitResolver(resolver)
        .build();
  }

  /**
   * Returns how many units {@code policy}'s state for {@code key} has left, read through the store
   * without taking any: a step that costs more than the limit is rejected and changes nothing (as
   * {@code Algorithms} checks), and its remaining count is the state's. The engine's store key is
   * the policy name, a colon and the key.
   */
  final long remaining(RateLimitPolicy policy, String key) {
    Step probe =
        Step.acquire(policy.algorithm(), policy.window().toNanos(), policy.max(), policy.max() + 1);
    return store().apply(policy.name() + ":" + key, probe).remaining();
  }

  /** The status of {@code policy} in {@code decision}. */
  static LimitStatus status(Decision decision, String policy) {
    return decision.limits().stream()
        .filter(s -> s.policy().equals(policy))
        .findFirst()
        .orElseThrow(() -> new AssertionError(policy + " is not in " + decision));
  }

  /** The admission's outcome, which must be a {@link Decision}. */
  static Decision decision(Admission admission) {
    if (admission.outcome() instanceof Decision decision) {
      return decision;
    }
    throw new AssertionError("expected a decision, was " + admission.outcome());
  }

  /**
   * Counts requests that hold something at once: {@link #enter()} right after a request is
   * admitted, {@link #leave()} right before it completes, so the count never exceeds what the store
   * has granted at that instant, and its {@link #max()} above the limit proves an over-admission.
   */
  static final class Holders {
    private final AtomicInteger now = new AtomicInteger();
    private final AtomicInteger max = new AtomicInteger();

    void enter() {
      int holding = now.incrementAndGet();
      max.accumulateAndGet(holding, Math::max);
    }

    void leave() {
      now.decrementAndGet();
    }

    int now() {
      return now.get();
    }

    int max() {
      return max.get();
    }
  }

  /** Runs {@code work} on {@code threads} threads released at the same moment. */
  static void inParallel(int threads, IntConsumer work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Void>> running = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Callable<Void> task =
            () -> {
              start.await();
              work.accept(thread);
              return null;
            };
        running.add(pool.submit(task));
      }
      start.countDown();
      for (Future<Void> future : running) {
        future.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A request as the adapters present it: headers (names case-insensitive), a peer address, nothing
   * else.
   */
  static final class Request implements RequestView {
    private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final String remoteAddress;

    private Request(String remoteAddress) {
      this.remoteAddress = remoteAddress;
    }

    /** A request from {@code remoteAddress} with no header. */
    static Request from(String remoteAddress) {
      return new Request(remoteAddress);
    }

    /** A request from 192.0.2.1 carrying {@code apiKey} in {@code X-API-Key}. */
    static Request withApiKey(String apiKey) {
      return from("192.0.2.1").header("X-API-Key", apiKey);
    }

    /** This request with {@code name: value} added. */
    Request header(String name, String value) {
      headers.put(name, Objects.requireNonNull(value));
      return this;
    }

    @Override
    public @Nullable String header(String name) {
      return headers.get(name);
    }

    @Override
    public List<String> headers(String name) {
      String value = headers.get(name);
      return value == null ? List.of() : List.of(value);
    }

    @Override
    public @Nullable String queryParameter(String name) {
      return null;
    }

    @Override
    public @Nullable String pathParameter(String name) {
      return null;
    }

    @Override
    public @Nullable String principal() {
      return null;
    }

    @Override
    public String remoteAddress() {
      return remoteAddress;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "Request[%s %s]", remoteAddress, headers);
    }
  }
}
