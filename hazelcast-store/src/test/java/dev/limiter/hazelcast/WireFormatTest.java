/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import dev.limiter.Algorithm;
import dev.limiter.spi.Step;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bytes a {@link StepProcessor} travels in between members of different versions, pinned: the
 * algorithm's code first, then the step and the entry's time to live, big-endian, and for a release
 * the member that must apply it, under its own class id. A change here breaks rolling upgrades and
 * must come with a new class id.
 */
class WireFormatTest {

  /** The processor's own fields: 1 + 8 + 4 + 4 + 1 + 8 + 8 + 8 bytes. */
  private static final int FIELDS = 42;

  private static final UUID MEMBER = new UUID(0x0123456789ABCDEFL, 0xFEDCBA9876543210L);

  private static final InternalSerializationService SERIALIZATION =
      new DefaultSerializationServiceBuilder()
          .addDataSerializableFactory(StepProcessorFactory.FACTORY_ID, new StepProcessorFactory())
          .build();

  @AfterAll
  static void dispose() {
    SERIALIZATION.dispose();
  }

  @ParameterizedTest
  @CsvSource({
    // algorithm, release, class id, the fields as written
    "SLIDING_WINDOW, false, 1, 00 000000003b9aca00 0000000a 00000001 00 0000000000000000"
        + " 0000000000000000 000000000000003c",
    "FIXED_WINDOW, false, 1, 01 000000003b9aca00 0000000a 00000001 00 0000000000000000"
        + " 0000000000000000 000000000000003c",
    "TOKEN_BUCKET, true, 3, 02 000000003b9aca00 0000000a 00000001 01 0000000000000007"
        + " 00000000deadbeef 000000000000003c 0123456789abcdef fedcba9876543210"
  })
  void aStepIsWrittenAsPinned(Algorithm algorithm, boolean release, int classId, String fields) {
    Step step =
        release
            ? Step.release(algorithm, 1_000_000_000L, 10, 1, 7, 0xDEADBEEFL)
            : Step.acquire(algorithm, 1_000_000_000L, 10, 1);
    StepProcessor processor = new StepProcessor(step, 60, release ? MEMBER : null);
    String expected = fields.replace(" ", "");

    byte[] bytes = SERIALIZATION.toData(processor).toByteArray();

    assertThat(processor.getClassId()).isEqualTo(classId);
    assertThat(
            HexFormat.of()
                .formatHex(
                    Arrays.copyOfRange(bytes, bytes.length - expected.length() / 2, bytes.length)))
        .isEqualTo(expected);
    StepProcessor read = SERIALIZATION.toObject(SERIALIZATION.toData(processor));
    assertThat(read.getClassId()).isEqualTo(classId);
    assertThat(SERIALIZATION.toData(read).toByteArray())
        .as("read back and written again")
        .isEqualTo(bytes);
  }

  @Test
  void aReleaseUnderTheClassIdOfAcquiresIsRefused() {
    byte[] bytes =
        SERIALIZATION
            .toData(
                new StepProcessor(
                    Step.release(Algorithm.SLIDING_WINDOW, 1_000_000_000L, 10, 1, 7, 9),
                    60,
                    MEMBER))
            .toByteArray();
    byte[] unfenced = Arrays.copyOf(bytes, bytes.length - 16); // as a version before fences wrote
    int classIdAt = unfenced.length - FIELDS - 4;
    assertThat(unfenced[classIdAt + 3]).isEqualTo((byte) StepProcessorFactory.FENCED_RELEASE);
    unfenced[classIdAt + 3] = (byte) StepProcessorFactory.STEP_PROCESSOR;

    assertThatThrownBy(
            () ->
                SERIALIZATION.toObject(
                    new com.hazelcast.internal.serialization.impl.HeapData(unfenced)))
        .isInstanceOf(HazelcastSerializationException.class)
        .hasStackTraceContaining("a release without a member to apply it")
        .hasStackTraceContaining("same limiter version?");
  }

  @Test
  void aCodeFromANewerVersionIsRefusedByName() {
    byte[] bytes =
        SERIALIZATION
            .toData(
                new StepProcessor(
                    Step.acquire(Algorithm.FIXED_WINDOW, 1_000_000_000L, 10, 1), 60, null))
            .toByteArray();
    bytes[bytes.length - FIELDS] = 3;
    Data unknown = new com.hazelcast.internal.serialization.impl.HeapData(bytes);

    assertThatThrownBy(() -> SERIALIZATION.toObject(unknown))
        .isInstanceOf(HazelcastSerializationException.class)
        .hasStackTraceContaining("no algorithm has code 3")
        .hasStackTraceContaining("Are all members on the same limiter version?");
  }
}
