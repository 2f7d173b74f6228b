/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.limiter.Algorithm;
import dev.limiter.ManualClock;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A release that Hazelcast sends a second time, as it does when the member it went to leaves before
 * answering: that member may have applied it and backed it up, so a second application would give
 * back a unit another request holds. Sending the same processor again after killing the member that
 * applied it is what Hazelcast's retry does, without waiting for the race that makes it happen by
 * itself (which {@link LeaseTest#noSlotIsGrantedTwiceWhileAMemberDiesUnderLoad} met once in eight
 * runs: four requests in flight under a limit of three).
 */
class ReleaseRetryTest {

  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final Step ACQUIRE = Step.acquire(Algorithm.SLIDING_WINDOW, LEASE.toNanos(), 2, 1);

  @Test
  void aReleaseSentAgainAfterTheMemberThatAppliedItDiedGivesNothingBack() throws Exception {
    try (HazelcastTestCluster cluster = HazelcastTestCluster.start(3)) {
      cluster.install(ManualClock.at(Instant.parse("2026-03-02T09:00:00Z")));
      String mapName = HazelcastTestCluster.newMapName();
      HazelcastInstance owner = cluster.member(2);
      HazelcastInstance caller = cluster.member(0);
      String key = cluster.keyOwnedBy(owner, "lease-");
      ClusterCall call =
          new ClusterCall(
              caller, mapName, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofHours(1));
      StepResult first = new StepResult();
      call.apply(key, ACQUIRE, first);
      StepResult second = new StepResult();
      call.apply(key, ACQUIRE, second);
      assertThat(first.allowed() && second.allowed()).as("both slots taken").isTrue();

      Step release =
          Step.release(
              Algorithm.SLIDING_WINDOW,
              LEASE.toNanos(),
              2,
              1,
              first.stampNanos(),
              first.generation());
      StepProcessor processor = call.processorFor(release, call.domainOf(key));
      IMap<String, long[]> map = caller.getMap(mapName);
      assertThat(map.submitToKey(key, processor).toCompletableFuture().get(10, TimeUnit.SECONDS))
          .as("the release on the member that owns the key")
          .startsWith(1L);
      cluster.awaitSafe(); // its backup holds the state the release left
      owner.getLifecycleService().terminate();

      long[] again =
          map.submitToKey(key, processor).toCompletableFuture().get(10, TimeUnit.SECONDS);

      int admitted = 0;
      for (int i = 0; i < 3; i++) {
        StepResult result = new StepResult();
        call.apply(key, ACQUIRE, result);
        admitted += result.allowed() ? 1 : 0;
      }
      assertThat(admitted).as("one slot free: the second was still held").isEqualTo(1);
      assertThat(again).as("the same release sent on to the new owner").startsWith(0L);
      assertThat(again[6]).as("no generation: nothing given back").isZero();
    }
  }

  /**
   * Hazelcast sends an operation on from a live member only when that member refused it without
   * applying it (its partition migrating or moved): a release named for a member that is still in
   * the cluster is applied by the key's owner.
   */
  @Test
  void aReleaseNamedForAMemberStillInTheClusterIsAppliedByTheOwner() throws Exception {
    try (HazelcastTestCluster cluster = HazelcastTestCluster.start(2)) {
      cluster.install(ManualClock.at(Instant.parse("2026-03-02T09:00:00Z")));
      String mapName = HazelcastTestCluster.newMapName();
      HazelcastInstance caller = cluster.member(0);
      String key = cluster.keyOwnedBy(cluster.member(1), "lease-");
      ClusterCall call =
          new ClusterCall(
              caller, mapName, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofHours(1));
      StepResult taken = new StepResult();
      call.apply(key, ACQUIRE, taken);
      call.apply(key, ACQUIRE, new StepResult());
      Step release =
          Step.release(
              Algorithm.SLIDING_WINDOW,
              LEASE.toNanos(),
              2,
              1,
              taken.stampNanos(),
              taken.generation());
      ClusterCall.Owner formerOwner =
          new ClusterCall.Owner(caller.getCluster().getLocalMember().getUuid(), "the caller");

      long[] answer =
          caller
              .<String, long[]>getMap(mapName)
              .submitToKey(key, call.processorFor(release, formerOwner))
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);

      assertThat(answer).as("given back by the owner").startsWith(1L);
      StepResult next = new StepResult();
      call.apply(key, ACQUIRE, next);
      assertThat(next.allowed()).isTrue();
      call.apply(key, ACQUIRE, next);
      assertThat(next.allowed()).as("and no more than the one given back").isFalse();
    }
  }

  @Test
  void aReleaseFindsItsMemberAndGivesBackOnce() throws Exception {
    try (HazelcastTestCluster cluster = HazelcastTestCluster.start(2)) {
      cluster.install(ManualClock.at(Instant.parse("2026-03-02T09:00:00Z")));
      String mapName = HazelcastTestCluster.newMapName();
      HazelcastInstance caller = cluster.member(0);
      String key = cluster.keyOwnedBy(cluster.member(1), "lease-");
      ClusterCall call =
          new ClusterCall(
              caller, mapName, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofHours(1));
      StepResult taken = new StepResult();
      call.apply(key, ACQUIRE, taken);
      call.apply(key, ACQUIRE, new StepResult());
      Step release =
          Step.release(
              Algorithm.SLIDING_WINDOW,
              LEASE.toNanos(),
              2,
              1,
              taken.stampNanos(),
              taken.generation());

      StepResult given = new StepResult();
      call.apply(key, release, given);

      assertThat(given.allowed()).as("given back").isTrue();
      assertThat(given.remaining()).isEqualTo(1);
      StepResult next = new StepResult();
      call.apply(key, ACQUIRE, next);
      assertThat(next.allowed()).isTrue();
      call.apply(key, ACQUIRE, next);
      assertThat(next.allowed()).as("and no more than the one given back").isFalse();
    }
  }
}
