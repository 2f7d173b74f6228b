/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

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
 * <p>Wire form (about 38 bytes): algorithm, window, limit, cost, release, stamp, generation, TTL.
 * The answer is the result's seven numbers.
 */
final class StepProcessor
    implements EntryProcessor<String, long[], long[]>,
        IdentifiedDataSerializable,
        HazelcastInstanceAware {

  private static final long serialVersionUID = 1L;

  private @Nullable Step step;
  private long ttlSeconds;

  private transient @Nullable HazelcastInstance instance;
  private transient long @Nullable [] written;

  /** For deserialization. */
  StepProcessor() {}

  StepProcessor(Step step, long ttlSeconds) {
    this.step = step;
    this.ttlSeconds = ttlSeconds;
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
    return StepProcessorFactory.STEP_PROCESSOR;
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
    step = new Step(algorithm, windowNanos, limit, cost, release, stampNanos, generation);
    ttlSeconds = in.readLong();
  }
}
