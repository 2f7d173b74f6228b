/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.test;

import dev.limiter.failover.FailoverStore;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import dev.limiter.spi.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

/**
 * A real store behind a fault pattern: call number {@code n} (counted from 1, over every key) fails
 * with a {@link StoreException} when the pattern says so, as a refused connection would (before it
 * reaches the store) or, for a store that answers late, as a timeout would (after the store applied
 * the step, so its units are taken though the caller never learns it). For fault campaigns against
 * {@link FailoverStore}.
 *
 * <pre>{@code
 * RateLimitStore flapping = new FlappingStore(store, FlappingStore.everyNth(3), false);
 * }</pre>
 */
public final class FlappingStore implements RateLimitStore {

  /** A failed call: its key and whether the store had applied the step. */
  public record Failure(String key, boolean applied) {}

  private final RateLimitStore store;
  private final LongPredicate fails;
  private final boolean late;
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final java.util.Queue<Failure> failures =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  /**
   * Wraps {@code store}, failing calls before they reach it.
   *
   * @param store the store that answers the calls the pattern lets through
   * @param fails given the call's number, from 1, whether it fails
   */
  public FlappingStore(RateLimitStore store, LongPredicate fails) {
    this(store, fails, false);
  }

  /**
   * Wraps {@code store}.
   *
   * @param store the store behind the faults
   * @param fails given the call's number, from 1, whether it fails
   * @param late whether a failing call reaches the store first (an answer past the time budget)
   */
  public FlappingStore(RateLimitStore store, LongPredicate fails, boolean late) {
    this.store = Objects.requireNonNull(store, "store");
    this.fails = Objects.requireNonNull(fails, "fails");
    this.late = late;
  }

  /**
   * Returns a pattern in which every {@code n}-th call fails.
   *
   * @param n the period, at least 1 (1: every call fails)
   * @return the pattern
   */
  public static LongPredicate everyNth(long n) {
    return call -> call % n == 0;
  }

  /**
   * Returns a pattern of bursts: in every {@code period} calls, the first {@code length} fail.
   *
   * @param length failing calls in a row
   * @param period calls from the start of one burst to the next
   * @return the pattern
   */
  public static LongPredicate bursts(long length, long period) {
    return call -> (call - 1) % period < length;
  }

  @Override
  public void apply(String key, Step step, StepResult result) {
    long call = calls.incrementAndGet();
    if (fails.test(call)) {
      if (late) {
        store.apply(key, step, result);
      }
      failed.incrementAndGet();
      failures.add(new Failure(key, late));
      throw new StoreException(
          "injected " + (late ? "late answer to" : "failure of") + " call " + call,
          new RuntimeException("injected"),
          Duration.ofSeconds(1));
    }
    store.apply(key, step, result);
  }

  /**
   * Returns the failed calls since the last time this was called, oldest first, and forgets them.
   *
   * @return the failed calls
   */
  public List<Failure> drainFailures() {
    List<Failure> drained = new ArrayList<>();
    for (Failure f = failures.poll(); f != null; f = failures.poll()) {
      drained.add(f);
    }
    return drained;
  }

  /**
   * Returns how many calls reached this store, failed or not.
   *
   * @return the calls
   */
  public long calls() {
    return calls.get();
  }

  /**
   * Returns how many calls failed by the pattern.
   *
   * @return the failed calls
   */
  public long failed() {
    return failed.get();
  }

  @Override
  public void close() {
    store.close();
  }
}
