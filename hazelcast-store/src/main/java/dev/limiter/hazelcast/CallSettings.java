/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How the store's calls to the cluster wait, as the builder collects it: the time budget of a call,
 * the longest wait for a busy member (by default {@value HazelcastStore#MAX_WAIT_FACTOR} budgets),
 * and how long an entry outlives its step's expiry. Each is checked where it is set, the wait
 * against the budget at build; {@link #call} makes the {@link ClusterCall} with them.
 */
final class CallSettings {

  private Duration timeout = HazelcastStore.DEFAULT_TIMEOUT;
  private @Nullable Duration maxWait;
  private Duration expiryMargin = HazelcastStore.DEFAULT_EXPIRY_MARGIN;

  /** Sets the time budget of one call, at least 1 millisecond. */
  void timeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException("timeout must be at least 1 ms, was " + timeout);
    }
    this.timeout = timeout;
  }

  /** Sets the longest wait for a busy member; {@link #checkMaxWait} compares it with the budget. */
  void maxWait(Duration maxWait) {
    this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
  }

  /** Sets how long an entry is kept beyond its step's expiry, at least 1 second. */
  void expiryMargin(Duration expiryMargin) {
    Objects.requireNonNull(expiryMargin, "expiryMargin");
    if (expiryMargin.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("expiryMargin must be at least 1 s, was " + expiryMargin);
    }
    this.expiryMargin = expiryMargin;
  }

  /** Checks that a longest wait, if set, is at least the budget. */
  void checkMaxWait() {
    if (maxWait != null && maxWait.compareTo(timeout) < 0) {
      throw new IllegalStateException(
          "maxWait "
              + maxWait
              + " is shorter than the timeout "
              + timeout
              + "; it bounds how long past"
              + " the timeout a call may wait for a busy member");
    }
  }

  /** The longest wait for a busy member: as set, else the budget times MAX_WAIT_FACTOR. */
  Duration maxWait() {
    return maxWait != null ? maxWait : timeout.multipliedBy(HazelcastStore.MAX_WAIT_FACTOR);
  }

  /** The calls to map {@code mapName} through {@code instance}, with these settings. */
  ClusterCall call(HazelcastInstance instance, String mapName) {
    return new ClusterCall(instance, mapName, timeout, maxWait(), expiryMargin);
  }
}
