/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * A cluster-wide {@link dev.limiter.spi.RateLimitStore} on a Hazelcast {@code IMap}: {@link
 * dev.limiter.hazelcast.HazelcastStore}, found through {@link java.util.ServiceLoader} as {@code
 * hazelcast} by {@link dev.limiter.hazelcast.HazelcastStoreProvider}.
 *
 * <p>Members that a client talks to, or that the application starts from its own configuration,
 * need {@link dev.limiter.hazelcast.StepProcessorFactory} registered; {@link
 * dev.limiter.hazelcast.HazelcastStore#configure(com.hazelcast.config.Config)} does that.
 */
@NullMarked
package dev.limiter.hazelcast;

import dev.limiter.spi.RateLimitStore;
import org.jspecify.annotations.NullMarked;
