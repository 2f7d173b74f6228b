/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.hazelcast;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import org.jspecify.annotations.Nullable;

/**
 * The Hazelcast {@link DataSerializableFactory} for what {@link HazelcastStore} sends to the
 * members: every member that holds the store's map must have it registered under {@link
 * #FACTORY_ID}, and the {@code hazelcast-store} and {@code limiter-api} jars on its class path.
 *
 * <p>{@link HazelcastStore#configure(com.hazelcast.config.Config)} registers it in code, and a
 * store that starts its own member does so itself. In {@code hazelcast.xml}:
 *
 * <pre>{@code
 * <serialization>
 *   <data-serializable-factories>
 *     <data-serializable-factory factory-id="1380732244">dev.limiter.hazelcast.StepProcessorFactory</data-serializable-factory>
 *   </data-serializable-factories>
 * </serialization>
 * }</pre>
 *
 * <p>or in {@code hazelcast.yaml}:
 *
 * <pre>{@code
 * hazelcast:
 *   serialization:
 *     data-serializable-factories:
 *       - factory-id: 1380732244
 *         class-name: dev.limiter.hazelcast.StepProcessorFactory
 * }</pre>
 *
 * <p>Clients need not register it: they only write these objects, and read plain {@code long[]}
 * answers.
 */
public final class StepProcessorFactory implements DataSerializableFactory {

  /** The factory id, {@code 0x524C4D54} ("RLMT"): 1380732244. */
  public static final int FACTORY_ID = 0x524C4D54;

  static final int STEP_PROCESSOR = 1;
  static final int STATE_WRITE = 2;
  static final int FENCED_RELEASE = 3;

  /** Creates the factory; called by Hazelcast when it is named in configuration. */
  public StepProcessorFactory() {}

  /**
   * Creates an empty object of a class this factory knows, for Hazelcast to read into.
   *
   * @param typeId the class id written with the object
   * @return the object, or null for an id this factory does not know
   */
  @Override
  public @Nullable IdentifiedDataSerializable create(int typeId) {
    return switch (typeId) {
      case STEP_PROCESSOR, FENCED_RELEASE -> new StepProcessor(typeId);
      case STATE_WRITE -> new StateWrite();
      default -> null;
    };
  }

  /** Equal to every other instance, so registering it twice is harmless. */
  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof StepProcessorFactory;
  }

  @Override
  public int hashCode() {
    return StepProcessorFactory.class.hashCode();
  }
}
