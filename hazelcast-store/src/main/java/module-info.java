/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * A cluster-wide {@link dev.limiter.spi.RateLimitStore} on a Hazelcast map.
 *
 * @provides dev.limiter.spi.StoreProvider the store named {@code hazelcast}
 */
// Hazelcast is an automatic module; its types (HazelcastInstance, Config) are in this API
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.limiter.hazelcast {
  requires transitive dev.limiter;
  requires transitive com.hazelcast.core;
  requires static transitive org.jspecify; // the nullness annotations are part of the API

  exports dev.limiter.hazelcast;

  provides dev.limiter.spi.StoreProvider with
      dev.limiter.hazelcast.HazelcastStoreProvider;
}
