/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.failover;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The circuits of a {@link FailoverStore}: one for the whole store, or one per failure domain,
 * created as keys of a domain are first seen. Past {@value #MAX_CIRCUITS} domains, closed circuits
 * are forgotten (they hold nothing), since the members of a cluster come and go. Thread-safe.
 */
final class Circuits {

  /** The domain of keys whose domain function answers null (a partition without an owner). */
  private static final String UNKNOWN_DOMAIN = "an unknown place";

  /** Past this many circuits, closed ones are forgotten. */
  private static final int MAX_CIRCUITS = 64;

  private final int failureThreshold;
  private final long openIntervalNanos;
  private final Function<String, ? extends @Nullable Object> domainOf;

  /** The circuit of the one domain when no failure domains are configured. */
  private final @Nullable Circuit single;

  private final Map<Object, Circuit> circuits = new ConcurrentHashMap<>();

  /** Circuits by {@code domainOf} a key, or one circuit for every key if it is null. */
  Circuits(
      int failureThreshold,
      long openIntervalNanos,
      @Nullable Function<String, ? extends @Nullable Object> domainOf) {
    this.failureThreshold = failureThreshold;
    this.openIntervalNanos = openIntervalNanos;
    this.domainOf = domainOf != null ? domainOf : Circuits::oneDomain;
    this.single =
        domainOf == null ? new Circuit("the store", failureThreshold, openIntervalNanos) : null;
  }

  /** The failure domain of every key when none is configured: one circuit for the store. */
  private static Object oneDomain(String key) {
    return "the store";
  }

  /** The circuit of {@code key}'s failure domain. */
  Circuit of(String key) {
    Circuit circuit = single;
    if (circuit != null) {
      return circuit;
    }
    Object domain = domainOf.apply(key);
    Object id = domain == null ? UNKNOWN_DOMAIN : domain;
    circuit = circuits.get(id);
    if (circuit == null) {
      if (circuits.size() >= MAX_CIRCUITS) {
        circuits.values().removeIf(c -> !c.failing()); // closed ones hold nothing
      }
      circuit =
          circuits.computeIfAbsent(
              id, d -> new Circuit(String.valueOf(d), failureThreshold, openIntervalNanos));
    }
    return circuit;
  }

  /** Whether the circuit of the store, or of some domain, is open. */
  boolean anyOpen() {
    Circuit circuit = single;
    if (circuit != null) {
      return circuit.open();
    }
    for (Circuit domain : circuits.values()) {
      if (domain.open()) {
        return true;
      }
    }
    return false;
  }
}
