/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

/** What a limit counts: requests over a window, or requests in flight. */
public enum LimitKind {

  /**
   * Units taken over a window ({@link dev.limiter.annotation.RateLimit}): a unit counts until its
   * time has passed, or until it is given back.
   */
  RATE,

  /**
   * Requests in flight ({@link dev.limiter.annotation.ConcurrencyLimit}): a unit counts from the
   * decision until the response completes. The policy's window is the lease: a unit held by a node
   * that stopped without completing its request (it crashed, it was killed) returns after at most
   * the lease and a fiftieth of it, and a node renews the leases of its requests still in flight
   * every second, before a third of the lease has passed.
   */
  CONCURRENCY
}
