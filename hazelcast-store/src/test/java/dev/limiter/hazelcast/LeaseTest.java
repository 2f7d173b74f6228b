/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import dev.limiter.Admission;
import dev.limiter.Algorithm;
import dev.limiter.Decision;
import dev.limiter.EndpointLimits;
import dev.limiter.ManualClock;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import dev.limiter.StoreUnavailable;
import dev.limiter.spi.Step;
import dev.limiter.testing.CampaignReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Leases of a limit on requests in flight across real members, each with its own limiter on one
 * shared map and one {@link ManualClock} (the owners' clock, which decides, and the limiters'): the
 * slots of a member killed with requests in flight stay taken until the lease and a fiftieth have
 * passed on the store's clock and then come back, none is granted twice while the member dies under
 * load, and a member that renews keeps its slots across many leases. Each test starts its own
 * three-member cluster (backup count 1), since most take a member away.
 */
class LeaseTest {

  /** On a whole hour, so on a boundary of the lease's 600 ms sub-windows. */
  private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");

  private static final RateLimitPolicy RUNS = RateLimitPolicy.concurrency("runs", 3, "apiKey");
  private static final Duration LEASE = RUNS.window();

  /** When the slots taken at {@link #START} are back: the lease and a fiftieth (30 s to 30.6 s). */
  private static final Instant BACK = START.plus(LEASE).plus(LEASE.dividedBy(Step.SUB_WINDOWS));

  private final ManualClock clock = ManualClock.at(START);

  /** One application node: a member, a store on the shared map, a limiter on the shared clock. */
  private final class Node implements AutoCloseable {
    final HazelcastInstance member;
    final HazelcastStore store;
    final RateLimiter limiter;
    final EndpointLimits limits;

    Node(HazelcastInstance member, String mapName) {
      this.member = member;
      this.store = HazelcastTestCluster.storeBuilder(member, mapName).clock(clock).build();
      RateLimitConfig isolated =
          RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build();
      this.limiter = RateLimiter.builder().store(store).config(isolated).clock(clock).build();
      this.limits = limiter.limits(List.of(RUNS));
    }

    /** Admits a request of {@code key}, asking again while the cluster cannot answer. */
    Admission admit(String key) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        Admission admission = limiter.admit(limits, key);
        if (!(admission.outcome() instanceof StoreUnavailable) || System.nanoTime() > deadline) {
          return admission;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
    }

    /** Whether a request of {@code key} is admitted; if it is, it completes at once. */
    boolean admitted(String key) {
      Admission admission = admit(key);
      assertThat(admission.outcome()).as("decided by the cluster").isInstanceOf(Decision.class);
      admission.complete(200);
      return admission.allowed();
    }

    @Override
    public void close() {
      limiter.close();
      store.close();
    }
  }

  /**
   * A request key whose store key under {@link #RUNS} ({@code runs:} and the key) {@code member}
   * owns.
   */
  private static String keyOwnedBy(HazelcastTestCluster cluster, HazelcastInstance member) {
    return keyOwnedBy(cluster, member, RUNS);
  }

  /** A request key whose store key under {@code policy} {@code member} owns. */
  private static String keyOwnedBy(
      HazelcastTestCluster cluster, HazelcastInstance member, RateLimitPolicy policy) {
    String prefix = policy.name() + ":";
    return cluster.keyOwnedBy(member, prefix + "account-").substring(prefix.length());
  }

  private static void kill(Node node) {
    node.member.getLifecycleService().terminate(); // abrupt: no migration handed over
    node.limiter.close(); // its process is gone: nothing renews or completes its requests
  }

  private static long remaining(Admission admission) {
    return ((Decision) admission.outcome()).remaining();
  }

  @ParameterizedTest(name = "the key''s owner is killed: {0}")
  @ValueSource(booleans = {true, false})
  void theSlotsOfAKilledMemberComeBackAfterTheLeaseAndAFiftiethAndNotBefore(boolean ownerKilled) {
    try (HazelcastTestCluster cluster = HazelcastTestCluster.start(3)) {
      cluster.install(clock);
      String mapName = HazelcastTestCluster.newMapName();
      List<HazelcastInstance> members = cluster.members();
      Node dying = new Node(members.get(2), mapName);
      Node b = new Node(members.get(0), mapName);
      Node c = new Node(members.get(1), mapName);
      String key = keyOwnedBy(cluster, ownerKilled ? dying.member : c.member);

      for (int i = 0; i < 3; i++) {
        assertThat(dying.admit(key).allowed()).isTrue(); // running, never completed
      }
      assertThat(b.admitted(key)).as("another member while the slots are held").isFalse();
      cluster.awaitSafe();
      kill(dying);

      assertThat(b.admitted(key)).as("right after the member died").isFalse();
      assertThat(c.admitted(key)).isFalse();
      clock.set(START.plus(LEASE));
      assertThat(b.admitted(key)).as("at the lease").isFalse();
      clock.set(BACK.minusNanos(1));
      assertThat(b.admitted(key)).as("1 ns before the lease and a fiftieth").isFalse();
      assertThat(c.admitted(key)).isFalse();

      clock.set(BACK);
      List<Admission> after = new ArrayList<>();
      for (Node node : List.of(b, c, b)) {
        after.add(node.admit(key));
      }
      assertThat(after)
          .as("at the lease and a fiftieth: all three slots")
          .allMatch(Admission::allowed);
      assertThat(remaining(after.get(2))).isZero();
      assertThat(c.admitted(key)).as("and no fourth").isFalse();
      after.forEach(admission -> admission.complete(200));
      assertThat(b.limiter.inFlight() + c.limiter.inFlight()).isZero();
      b.close();
      c.close();
    }
  }

  @Test
  void noSlotIsGrantedTwiceWhileAMemberDiesUnderLoad() throws Exception {
    try (HazelcastTestCluster cluster = HazelcastTestCluster.start(3)) {
      cluster.install(clock);
      String mapName = HazelcastTestCluster.newMapName();
      List<HazelcastInstance> members = cluster.members();
      Node dying = new Node(members.get(2), mapName);
      List<Node> survivors =
          List.of(new Node(members.get(0), mapName), new Node(members.get(1), mapName));
      String key = keyOwnedBy(cluster, dying.member); // the state must survive on its backup

      AtomicInteger holding = new AtomicInteger(); // never below what the store has granted
      AtomicInteger maxHolding = new AtomicInteger();
      for (int i = 0; i < 2; i++) {
        assertThat(dying.admit(key).allowed()).isTrue(); // held until the lease runs out
        maxHolding.accumulateAndGet(holding.incrementAndGet(), Math::max);
      }
      cluster.awaitSafe();

      AtomicBoolean sending = new AtomicBoolean(true);
      AtomicInteger admitted = new AtomicInteger();
      AtomicInteger rejected = new AtomicInteger();
      AtomicInteger unavailable = new AtomicInteger();
      List<Thread> threads = new ArrayList<>();
      for (Node node : survivors) {
        for (int t = 0; t < 3; t++) {
          Thread thread =
              new Thread(
                  () -> {
                    while (sending.get()) {
                      Admission admission = node.limiter.admit(node.limits, key);
                      if (admission.allowed()) {
                        maxHolding.accumulateAndGet(holding.incrementAndGet(), Math::max);
                        admitted.incrementAndGet();
                        LockSupport.parkNanos(200_000);
                        holding.decrementAndGet();
                        admission.complete(200);
                      } else if (admission.outcome() instanceof StoreUnavailable) {
                        unavailable.incrementAndGet();
                      } else {
                        rejected.incrementAndGet();
                      }
                    }
                  },
                  "load-" + node.member.getName() + "-" + t);
          thread.start();
          threads.add(thread);
        }
      }
      int beforeKill;
      int afterKill;
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> admitted.get() >= 200);
        beforeKill = admitted.get();
        kill(dying);
        long killedAt = System.nanoTime();
        // a give-back in flight to the dead owner is dropped rather than risk applying it twice,
        // and the clock stands still, so the one free slot may stay taken: run on 5 s at most
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    cluster.members().size() == 2
                        && (admitted.get() >= beforeKill + 200
                            || System.nanoTime() - killedAt > TimeUnit.SECONDS.toNanos(5)));
        afterKill = admitted.get() - beforeKill;
      } finally {
        sending.set(false);
        for (Thread thread : threads) {
          thread.join(TimeUnit.SECONDS.toMillis(30));
        }
      }

      CampaignReport.of("lease-member-killed")
          .with("admitted_before_kill", beforeKill)
          .with("admitted_after_kill", afterKill)
          .with("rejected", rejected.get())
          .with("unanswered", unavailable.get())
          .with("most_holding_at_once", maxHolding.get())
          .write();
      assertThat(maxHolding.get())
          .as(
              "requests holding a slot at once, the dead member's 2 included (%d admitted before"
                  + " the kill, %d after, %d rejected, %d unanswered)",
              beforeKill, afterKill, rejected.get(), unavailable.get())
          .isEqualTo(3);
      for (Node node : survivors) {
        assertThat(node.limiter.inFlight()).isZero();
      }
      clock.set(BACK);
      List<Admission> after = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        after.add(survivors.get(i % 2).admit(key));
      }
      assertThat(after)
          .as("once the lease passed, the three slots and no more")
          .allMatch(Admission::allowed);
      assertThat(survivors.get(1).admitted(key)).isFalse();
      after.forEach(admission -> admission.complete(200));
      survivors.forEach(Node::close);
    }
  }

  @Test
  void aLongRequestKeepsItsSlotsAcrossLeasesWhileItsMemberRenewsThem() {
    try (HazelcastTestCluster cluster = HazelcastTestCluster.start(3)) {
      cluster.install(clock);
      String mapName = HazelcastTestCluster.newMapName();
      List<HazelcastInstance> members = cluster.members();
      try (Node holder = new Node(members.get(0), mapName);
          Node other = new Node(members.get(1), mapName)) {
        String key = keyOwnedBy(cluster, members.get(2)); // renewals cross the network
        List<Admission> running = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          running.add(holder.admit(key));
        }
        assertThat(running).allMatch(Admission::allowed);
        Duration step = LEASE.dividedBy(3);
        for (int i = 1; i <= 12; i++) { // four leases
          clock.advance(step);
          assertThat(holder.limiter.renewLeases()).isEqualTo(3);
          assertThat(other.admitted(key))
              .as("another member's request after %s", step.multipliedBy(i))
              .isFalse();
        }
        running.forEach(admission -> admission.complete(200));
        assertThat(holder.limiter.inFlight()).isZero();
        Admission admitted = other.admit(key);
        assertThat(admitted.allowed()).as("completion gave back the renewed slots").isTrue();
        assertThat(remaining(admitted)).isEqualTo(2);
        admitted.complete(200);
      }
    }
  }

  @Test
  void theLimiterRenewsItsLeasesOnItsOwnThreadEverySecond() {
    RateLimitPolicy one = RateLimitPolicy.concurrency("exports", 1, "apiKey");
    try (HazelcastTestCluster cluster = HazelcastTestCluster.start(3)) {
      cluster.install(clock);
      String mapName = HazelcastTestCluster.newMapName();
      List<HazelcastInstance> members = cluster.members();
      try (Node holder = new Node(members.get(0), mapName);
          Node other = new Node(members.get(1), mapName)) {
        String key = keyOwnedBy(cluster, members.get(2), one);
        EndpointLimits limits = holder.limiter.limits(List.of(one));
        Admission running = holder.limiter.admit(limits, key);
        assertThat(running.allowed()).isTrue();
        // the state's newest unit: its time until it stops counting shows the renewal
        Step probe = Step.acquire(Algorithm.SLIDING_WINDOW, LEASE.toNanos(), 1, 2);
        clock.advance(LEASE.dividedBy(3));
        Duration unrenewed = Duration.between(clock.instant(), BACK);
        await()
            .pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(50))
            .atMost(Duration.ofSeconds(5))
            .until(
                () ->
                    other.store.apply("exports:" + key, probe).resetAfterNanos()
                        > unrenewed.toNanos());

        clock.set(BACK); // the slot taken at START is back; the renewed one is not
        EndpointLimits otherLimits = other.limiter.limits(List.of(one));
        Admission rejected = other.limiter.admit(otherLimits, key);
        assertThat(rejected.allowed()).as("the renewed slot is still held").isFalse();
        running.complete(200);
        Admission admitted = other.limiter.admit(otherLimits, key);
        assertThat(admitted.allowed()).isTrue();
        admitted.complete(200);
      }
    }
  }
}
