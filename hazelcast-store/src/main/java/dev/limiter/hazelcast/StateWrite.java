/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Writes on a backup replica the state and TTL that the owner's {@link StepProcessor} wrote. */
final class StateWrite
    implements EntryProcessor<String, long[], long[]>, IdentifiedDataSerializable {

  private static final long serialVersionUID = 1L;

  private long[] state;
  private long ttlSeconds;

  /** For deserialization. */
  StateWrite() {
    this.state = new long[0];
  }

  StateWrite(long[] state, long ttlSeconds) {
    this.state = state;
    this.ttlSeconds = ttlSeconds;
  }

  @Override
  @SuppressWarnings("unchecked")
  public long[] process(Map.Entry<String, long[]> entry) {
    ((ExtendedMapEntry<String, long[]>) entry).setValue(state, ttlSeconds, TimeUnit.SECONDS);
    return state;
  }

  @Override
  public EntryProcessor<String, long[], long[]> getBackupProcessor() {
    return this;
  }

  @Override
  public int getFactoryId() {
    return StepProcessorFactory.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return StepProcessorFactory.STATE_WRITE;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLongArray(state);
    out.writeLong(ttlSeconds);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    long[] read = in.readLongArray();
    state = read != null ? read : new long[0];
    ttlSeconds = in.readLong();
  }
}
