/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.limiter.Algorithm;
import dev.limiter.Clock;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Applies one {@link Step} to one key's {@code long[]} state on the member that owns the key, with
 * that member's clock, and answers the {@link StepResult} as a {@code long[]}.
 *
 * <p>It runs on the key's partition thread, so it is atomic with respect to every other call for
 * the key. When the state changed, it is written with a TTL (the step's expiry rounded up to whole
 * seconds, plus a margin) and copied to the backups by {@link StateWrite}, so backups hold exactly
 * what the owner decided rather than deciding again on their own clocks; an unchanged state (a
 * rejection that moved nothing) is neither written nor backed up.
 *
 * <p>A release is applied at most once. Hazelcast sends an operation again when the member it went
 * to leaves before answering, and that member may have applied it and backed it up first: a release
 * applied twice gives back units another request holds, which admits more than the limit. So a
 * release names the member its caller saw owning the key (its fence). Run on another member, it is
 * applied only while the named one is still in the cluster: Hazelcast sends an operation on from a
 * live member only when that member refused it unapplied (a partition migrating or moved); from a
 * member that left, it may have been applied there, and the release gives nothing back. Its units
 * then run out with the window or lease, which is stricter, never looser. An acquire sent twice
 * takes twice: stricter too, so acquires carry no fence.
 *
 * <p>Wire form (42 bytes): algorithm, window, limit, cost, release, stamp, generation, TTL; a
 * fenced release (its own class id, so a member of a version before fences refuses it rather than
 * apply it unfenced) adds the member's UUID as two longs. The answer is the result's seven numbers.
 */
final class StepProcessor
    implements EntryProcessor<String, long[], long[]>,
        IdentifiedDataSerializable,
        HazelcastInstanceAware {

  private static final long serialVersionUID = 1L;

  private final int classId;
  private @Nullable Step step;
  private long ttlSeconds;
  private @Nullable UUID fence;

  private transient @Nullable HazelcastInstance instance;
  private transient long @Nullable [] written;

  /** For deserialization of {@code classId}'s form. */
  StepProcessor(int classId) {
    this.classId = classId;
  }

  /**
   * A processor for {@code step}.
   *
   * @param fence for a release, the member that must apply it (see the class comment); null for an
   *     acquire
   */
  StepProcessor(Step step, long ttlSeconds, @Nullable UUID fence) {
    if (step.release() != (fence != null)) {
      throw new IllegalArgumentException("a release and only a release names its member");
    }
    this.classId =
        fence == null ? StepProcessorFactory.STEP_PROCESSOR : StepProcessorFactory.FENCED_RELEASE;
    this.step = step;
    this.ttlSeconds = ttlSeconds;
    this.fence = fence;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance instance) {
    this.instance = instance;
  }

  @Override
  @SuppressWarnings("unchecked")
  public long[] process(Map.Entry<String, long[]> entry) {
    Step step = requireStep();
    written = null;
    long now = clock().epochNanos();
    UUID member = fence;
    if (member != null && !member.equals(localMember()) && !inCluster(member)) {
      // sent on after the member it named left, which may have applied it already
      return new long[] {0, step.limit(), 0, 0, 0, now, 0}; // nothing given back
    }
    long[] state = step.prepare(entry.getValue());
    long[] before = state.clone(); // a fresh state that the step leaves as it is needs no entry
    StepResult result = step.applyTo(state, now);
    if (!Arrays.equals(before, state)) {
      ((ExtendedMapEntry<String, long[]>) entry).setValue(state, ttlSeconds, TimeUnit.SECONDS);
      written = state;
    }
    return encode(result);
  }

  /** Copies what {@link #process} wrote to the backups, or nothing when it wrote nothing. */
  @Override
  public @Nullable EntryProcessor<String, long[], long[]> getBackupProcessor() {
    long[] state = written;
    return state == null ? null : new StateWrite(state, ttlSeconds);
  }

  private @Nullable UUID localMember() {
    HazelcastInstance member = instance;
    return member == null ? null : member.getCluster().getLocalMember().getUuid();
  }

  private boolean inCluster(UUID uuid) {
    HazelcastInstance member = instance;
    if (member == null) {
      return false;
    }
    for (Member each : member.getCluster().getMembers()) {
      if (each.getUuid().equals(uuid)) {
        return true;
      }
    }
    return false;
  }

  /** The owner's clock: the one installed in the member's user context, else the system clock. */
  private Clock clock() {
    HazelcastInstance member = instance;
    if (member != null
        && member.getUserContext().get(HazelcastStore.CLOCK_KEY) instanceof Clock clock) {
      return clock;
    }
    return Clock.system();
  }

  static long[] encode(StepResult result) {
    return new long[] {
      result.allowed() ? 1 : 0,
      result.limit(),
      result.remaining(),
      result.resetAfterNanos(),
      result.retryAfterNanos(),
      result.stampNanos(),
      result.generation()
    };
  }

  static void decode(long[] answer, StepResult result) {
    if (answer.length != 7) {
      throw new IllegalStateException(
          "a member answered "
              + answer.length
              + " numbers instead of 7; are all members on the same"
              + " hazelcast-store version?");
    }
    result.set(answer[0] != 0, answer[1], answer[2], answer[3], answer[4], answer[5]);
    result.setGeneration(answer[6]);
  }

  private Step requireStep() {
    Step current = step;
    if (current == null) {
      throw new IllegalStateException("the processor was not given a step");
    }
    return current;
  }

  @Override
  public int getFactoryId() {
    return StepProcessorFactory.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return classId;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    Step current = requireStep();
    out.writeByte(current.algorithm().code());
    out.writeLong(current.windowNanos());
    out.writeInt((int) current.limit());
    out.writeInt((int) current.cost());
    out.writeBoolean(current.release());
    out.writeLong(current.stampNanos());
    out.writeLong(current.generation());
    out.writeLong(ttlSeconds);
    UUID member = fence;
    if (member != null) {
      out.writeLong(member.getMostSignificantBits());
      out.writeLong(member.getLeastSignificantBits());
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    Algorithm algorithm;
    try {
      algorithm = Algorithm.ofCode(in.readByte());
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage() + " Are all members on the same limiter version?", e);
    }
    long windowNanos = in.readLong();
    long limit = in.readInt();
    long cost = in.readInt();
    boolean release = in.readBoolean();
    long stampNanos = in.readLong();
    long generation = in.readLong();
    ttlSeconds = in.readLong();
    if (classId == StepProcessorFactory.FENCED_RELEASE) {
      fence = new UUID(in.readLong(), in.readLong());
    }
    if (release != (fence != null)) {
      throw new IOException(
          (release ? "a release without" : "an acquire with")
              + " a member to apply it; are all members on the same limiter version?");
    }
    step = new Step(algorithm, windowNanos, limit, cost, release, stampNanos, generation);
  }
}
