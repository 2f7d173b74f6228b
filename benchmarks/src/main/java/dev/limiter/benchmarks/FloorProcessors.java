/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.benchmarks;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** The entry processors the cluster benchmark measures our store against: the floors. */
final class FloorProcessors {

  static final int FACTORY_ID = 0x464C4F52; // "FLOR"
  static final int NO_OP = 1;
  static final int WRITE_LONG = 2;
  static final int BACKUP_WRITE = 3;

  /** The TTL the floors write with, as the store writes a 66-minute expiry rounded up plus 1 s. */
  static final long TTL_SECONDS = 66 * 60 + 1;

  private FloorProcessors() {}

  /** Creates the floors on the members. */
  static final class Factory implements DataSerializableFactory {
    @Override
    public IdentifiedDataSerializable create(int typeId) {
      return switch (typeId) {
        case NO_OP -> new NoOp();
        case WRITE_LONG -> new WriteLong();
        case BACKUP_WRITE -> new BackupWrite();
        default -> throw new IllegalArgumentException("unknown floor processor " + typeId);
      };
    }
  }

  /** Reads nothing, writes nothing, has no backup: the bare round trip to the owner. */
  static final class NoOp
      implements EntryProcessor<String, long[], @Nullable Object>, IdentifiedDataSerializable {
    private static final long serialVersionUID = 1L;

    @Override
    public @Nullable Object process(Map.Entry<String, long[]> entry) {
      return null;
    }

    @Override
    public @Nullable EntryProcessor<String, long[], @Nullable Object> getBackupProcessor() {
      return null;
    }

    @Override
    public int getFactoryId() {
      return FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return NO_OP;
    }

    @Override
    public void writeData(ObjectDataOutput out) {}

    @Override
    public void readData(ObjectDataInput in) {}
  }

  /**
   * Adds one to a {@code long[1]}, writes it with a TTL and copies it to the backups: the least
   * that a decision which changes state must do, with the store's backup settings.
   */
  static final class WriteLong
      implements EntryProcessor<String, long[], Long>, IdentifiedDataSerializable {
    private static final long serialVersionUID = 1L;

    private long ttlSeconds;
    private transient long @Nullable [] written;

    WriteLong() {}

    WriteLong(long ttlSeconds) {
      this.ttlSeconds = ttlSeconds;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Long process(Map.Entry<String, long[]> entry) {
      long[] stored = entry.getValue();
      long[] next = {stored == null ? 1 : stored[0] + 1};
      ((ExtendedMapEntry<String, long[]>) entry).setValue(next, ttlSeconds, TimeUnit.SECONDS);
      written = next;
      return next[0];
    }

    @Override
    public @Nullable EntryProcessor<String, long[], Long> getBackupProcessor() {
      long[] value = written;
      return value == null ? null : new BackupWrite(value, ttlSeconds);
    }

    @Override
    public int getFactoryId() {
      return FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return WRITE_LONG;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeLong(ttlSeconds);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      ttlSeconds = in.readLong();
    }
  }

  /** Writes on a backup what {@link WriteLong} wrote on the owner. */
  static final class BackupWrite
      implements EntryProcessor<String, long[], Long>, IdentifiedDataSerializable {
    private static final long serialVersionUID = 1L;

    private long[] value = new long[1];
    private long ttlSeconds;

    BackupWrite() {}

    BackupWrite(long[] value, long ttlSeconds) {
      this.value = value;
      this.ttlSeconds = ttlSeconds;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Long process(Map.Entry<String, long[]> entry) {
      ((ExtendedMapEntry<String, long[]>) entry).setValue(value, ttlSeconds, TimeUnit.SECONDS);
      return value[0];
    }

    @Override
    public EntryProcessor<String, long[], Long> getBackupProcessor() {
      return this;
    }

    @Override
    public int getFactoryId() {
      return FACTORY_ID;
    }

    @Override
    public int getClassId() {
      return BACKUP_WRITE;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeLongArray(value);
      out.writeLong(ttlSeconds);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      long[] read = in.readLongArray();
      value = read == null ? new long[1] : read;
      ttlSeconds = in.readLong();
    }
  }
}
