/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The largest number of cluster members a {@link HazelcastStore} has seen since it started: the
 * default number of nodes among which the local fallbacks share each limit. A member that left may
 * come back, so its share stays reserved. Kept up to date by a membership listener, which {@link
 * #close} removes.
 */
final class MemberCount implements IntSupplier {

  private final HazelcastInstance instance;
  private final AtomicInteger most = new AtomicInteger(1);
  private final @Nullable UUID listener;

  MemberCount(HazelcastInstance instance) {
    this.instance = instance;
    this.listener = watch();
  }

  private @Nullable UUID watch() {
    try {
      most.accumulateAndGet(instance.getCluster().getMembers().size(), Math::max);
      return instance
          .getCluster()
          .addMembershipListener(
              new MembershipListener() {
                @Override
                public void memberAdded(MembershipEvent event) {
                  most.accumulateAndGet(event.getMembers().size(), Math::max);
                }

                @Override
                public void memberRemoved(MembershipEvent event) {
                  // a member that left may come back: its share stays reserved
                }
              });
    } catch (RuntimeException e) {
      return null; // no listener: the count stays at the members seen so far
    }
  }

  /** The most members seen, at least 1. */
  @Override
  public int getAsInt() {
    return most.get();
  }

  /** Stops watching the cluster's membership. */
  void close() {
    UUID registered = listener;
    if (registered != null) {
      try {
        instance.getCluster().removeMembershipListener(registered);
      } catch (RuntimeException e) {
        // the instance is already shutting down
      }
    }
  }
}
