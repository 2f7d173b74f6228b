/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import dev.limiter.Algorithm;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import dev.limiter.spi.StoreException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * One decision as one {@link StepProcessor} call on the key's owner; every way of not answering
 * becomes a {@link StoreException}. {@link HazelcastStore} wraps it in the failure handling, with
 * one circuit per owner ({@link #domainOf}).
 *
 * <p>The time budget tells a member that has stopped answering from one that is busy. A call waits
 * the budget; past it, it waits on, up to {@code maxWait}, as long as the key's owner has answered
 * some call within the last {@code maxWait}: a slow answer from a busy but healthy cluster is an
 * answer, not a free pass. An owner that has answered nothing for that long (frozen, cut off, gone)
 * fails its calls at the budget. A call given up on may still complete on its owner; its units then
 * count there, which is stricter, never looser.
 */
final class ClusterCall implements RateLimitStore {

  /** The owner of a key's partition, as a failure domain: equal for one member. */
  record Owner(UUID uuid, String address) {
    @Override
    public String toString() {
      return "member " + address;
    }
  }

  /** The failure domain of keys whose partition has no owner now: one for all of them. */
  static final String NO_OWNER = "the key's partition has no owner now";

  /** When an owner last answered a call, in {@link System#nanoTime()}. */
  private static final class Health {
    volatile long answeredAt = System.nanoTime();
  }

  private final HazelcastInstance instance;
  private final String mapName;
  private final long timeoutNanos;
  private final long maxWaitNanos;
  private final long marginSeconds;

  /** Past this many members seen, the per-member bookkeeping starts over. */
  private static final int MAX_OWNERS = 64;

  private final Map<Object, Health> health = new ConcurrentHashMap<>();
  private final Map<UUID, Owner> owners = new ConcurrentHashMap<>();
  private volatile @Nullable IMap<String, long[]> map;
  private volatile CompletableFuture<IMap<String, long[]>> mapLookup;

  ClusterCall(
      HazelcastInstance instance,
      String mapName,
      Duration timeout,
      Duration maxWait,
      Duration expiryMargin) {
    this.instance = instance;
    this.mapName = mapName;
    this.timeoutNanos = timeout.toNanos();
    this.maxWaitNanos = Math.max(timeoutNanos, maxWait.toNanos());
    this.marginSeconds = ceilSeconds(expiryMargin.toNanos());
    if (instance.getLocalEndpoint() instanceof Member) {
      IMap<String, long[]> local = instance.getMap(mapName); // a member creates the proxy locally
      this.map = local;
      this.mapLookup = CompletableFuture.completedFuture(local);
    } else {
      this.mapLookup = lookUpMap();
    }
  }

  /**
   * Applies {@code step} on the key's owner with one round trip.
   *
   * @throws StoreException if the cluster does not answer within the budget or fails
   */
  @Override
  public void apply(String key, Step step, StepResult result) {
    long start = System.nanoTime();
    Object owner = domainOf(key);
    StepProcessor processor = processorFor(step, owner);
    if (processor == null) {
      // a release while no member owns the key: whichever will may have applied it already
      result.set(false, step.limit(), 0, 0, 0, 0);
      result.setGeneration(0);
      return;
    }
    if (health.size() > MAX_OWNERS) {
      health.clear(); // members come and go; a forgotten one counts as answering for maxWait
    }
    Health owners = health.computeIfAbsent(owner, o -> new Health());
    long[] answer;
    try {
      CompletableFuture<long[]> call =
          map(start + timeoutNanos).submitToKey(key, processor).toCompletableFuture();
      try {
        answer = call.get(timeoutNanos - (System.nanoTime() - start), TimeUnit.NANOSECONDS);
      } catch (TimeoutException slow) {
        answer = awaitBusy(call, owners, start, owner);
      }
    } catch (TimeoutException e) {
      throw timedOut(e, owner, System.nanoTime() - start);
    } catch (ExecutionException e) {
      throw failure(e.getCause() != null ? e.getCause() : e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for hazelcast map " + mapName, e);
    } catch (StoreException e) {
      throw e; // a wait given up on, already described
    } catch (RuntimeException e) {
      throw failure(e);
    }
    owners.answeredAt = System.nanoTime();
    StepProcessor.decode(answer, result);
  }

  /**
   * Returns the processor that applies {@code step} for a key that {@code owner} (its {@link
   * #domainOf}) owns: a release is fenced to that member (see {@link StepProcessor}), so none when
   * the key has no owner now.
   */
  @Nullable StepProcessor processorFor(Step step, Object owner) {
    long ttlSeconds = ceilSeconds(step.expiryNanos()) + marginSeconds;
    if (!step.release()) {
      return new StepProcessor(step, ttlSeconds, null);
    }
    return owner instanceof Owner member
        ? new StepProcessor(step, ttlSeconds, member.uuid())
        : null;
  }

  /**
   * Makes a round trip to the owner of each of {@code calls} keys with a give-back to a key that
   * has nothing, which decides and writes nothing; stops at the first call not answered within the
   * budget, since waiting on the other members would only delay the start.
   *
   * @return how many calls were answered
   */
  int warmUp(int calls) {
    Step nothing = Step.release(Algorithm.FIXED_WINDOW, 1_000_000_000L, 1, 1, 0, 1);
    StepResult result = new StepResult();
    int answered = 0;
    for (int i = 0; i < calls; i++) {
      try {
        apply("limiter-warm-up:" + i, nothing, result);
        answered++;
      } catch (StoreException e) {
        break;
      }
    }
    return answered;
  }

  /**
   * Waits on for a call past the budget while its owner keeps answering other calls, up to {@code
   * maxWait} from the start; an answer that comes later still marks the owner as answering.
   */
  private long[] awaitBusy(CompletableFuture<long[]> call, Health owners, long start, Object owner)
      throws InterruptedException, ExecutionException {
    var unused =
        call.whenComplete(
            (answer, failure) -> {
              if (failure == null) {
                owners.answeredAt = System.nanoTime();
              }
            });
    while (true) {
      long now = System.nanoTime();
      long waited = now - start;
      if (waited >= maxWaitNanos || now - owners.answeredAt >= maxWaitNanos) {
        throw timedOut(null, owner, waited);
      }
      try {
        return call.get(Math.min(timeoutNanos, maxWaitNanos - waited), TimeUnit.NANOSECONDS);
      } catch (TimeoutException stillBusy) {
        // look again whether the owner is answering anyone
      }
    }
  }

  private StoreException timedOut(
      @Nullable TimeoutException cause, Object owner, long waitedNanos) {
    return new StoreException(
        String.format(
            Locale.ROOT,
            "hazelcast map %s did not answer within %d ms (%s%s)",
            mapName,
            TimeUnit.NANOSECONDS.toMillis(waitedNanos),
            owner,
            waitedNanos >= maxWaitNanos
                ? ", busy past the longest wait"
                : ", not answering any call"),
        cause);
  }

  /**
   * Returns the failure domain of {@code key}: the member that owns its partition now, or {@link
   * #NO_OWNER} while the partition has no owner (a migration, a member just lost).
   */
  Object domainOf(String key) {
    try {
      Member owner = instance.getPartitionService().getPartition(key).getOwner();
      if (owner == null) {
        return NO_OWNER;
      }
      Owner known = owners.get(owner.getUuid());
      if (known == null) {
        if (owners.size() > MAX_OWNERS) {
          owners.clear();
        }
        known =
            owners.computeIfAbsent(
                owner.getUuid(), uuid -> new Owner(uuid, owner.getAddress().toString()));
      }
      return known;
    } catch (RuntimeException e) {
      return NO_OWNER; // an instance shutting down, a client not connected yet
    }
  }

  /**
   * Returns the map proxy. A client's first {@code getMap} asks the cluster and may block or fail
   * while the cluster is away, so the proxy is looked up off the request path and waited for within
   * the budget; a failed lookup is tried again on a later call.
   */
  private IMap<String, long[]> map(long deadline)
      throws InterruptedException, ExecutionException, TimeoutException {
    IMap<String, long[]> known = map;
    if (known != null) {
      return known;
    }
    CompletableFuture<IMap<String, long[]>> lookup = mapLookup;
    if (lookup.isCompletedExceptionally()) {
      synchronized (this) {
        if (mapLookup == lookup) {
          mapLookup = lookUpMap();
        }
        lookup = mapLookup;
      }
    }
    IMap<String, long[]> found = lookup.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    map = found;
    return found;
  }

  private CompletableFuture<IMap<String, long[]>> lookUpMap() {
    CompletableFuture<IMap<String, long[]>> lookup = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                lookup.complete(instance.getMap(mapName));
              } catch (RuntimeException | Error e) {
                lookup.completeExceptionally(e);
              }
            },
            "hazelcast-store-map-lookup-" + mapName);
    thread.setDaemon(true);
    thread.start();
    return lookup;
  }

  private StoreException failure(Throwable cause) {
    String hint =
        cause instanceof HazelcastSerializationException
            ? "; every member needs the hazelcast-store and limiter-api jars on its class path and"
                + " StepProcessorFactory registered under factory id "
                + StepProcessorFactory.FACTORY_ID
                + " (HazelcastStore.configure(config), or hazelcast.xml)"
            : "";
    return new StoreException(
        String.format(Locale.ROOT, "hazelcast map %s failed: %s%s", mapName, cause, hint), cause);
  }

  private static long ceilSeconds(long nanos) {
    return nanos / 1_000_000_000L + (nanos % 1_000_000_000L == 0 ? 0 : 1);
  }
}
