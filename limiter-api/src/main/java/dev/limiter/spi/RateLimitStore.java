/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spi;

/**
 * Where rate-limit state lives: one atomic read-modify-write per key.
 *
 * <p>An implementation keeps a {@code long[]} per key and, for each call of {@link #apply}, does
 * the following as one atomic step with respect to every other call for the same key:
 *
 * <pre>{@code
 * long now = clock.epochNanos();           // the store's clock, read where the state lives
 * long[] state = step.prepare(stored);     // stored may be null; may return a fresh array
 * step.applyTo(state, now, result);         // fills the caller's holder
 * store state for key, expiring it after step.expiryNanos() without updates
 * }</pre>
 *
 * <p>A release ({@link Step#release()}) gives units back to the state that took them and never
 * creates or replaces one: {@code prepare} returns the stored state as it is (or, for a key without
 * state, a fresh one that the store need not keep), and {@code applyTo} changes it only if its
 * generation is the acquire's.
 *
 * <p>The expiry only lets idle keys go: an entry that expires holds no units any more, so an
 * implementation may keep it longer (whole-second TTLs rounded up, size-bounded caches) but never
 * drop it sooner. Where a store sets an expiry without the step at hand (a cache's expiry policy
 * refreshing a key on a read), {@link Step#expiryNanosOf(long[])} reads it from the state.
 * Implementations never see HTTP and never interpret the state.
 *
 * <p>Implementations must be thread-safe. Stores that talk to a network also decide what happens
 * when it cannot answer; they return a result in any case rather than throwing to say "no".
 */
public interface RateLimitStore extends AutoCloseable {

  /**
   * Applies {@code step} atomically to the state stored under {@code key} and writes its result
   * into {@code result}, a holder the caller owns (so that a decision need not allocate).
   *
   * @param key the store key: the policy name and the resolved request key, never empty
   * @param step the algorithm step to apply
   * @param result the holder to fill with the step's result, computed on the state as it was at the
   *     time of the update; when this method throws, its values are unspecified
   * @throws StoreException if the store cannot answer and has no configured fallback
   */
  void apply(String key, Step step, StepResult result);

  /**
   * Applies {@code step} as {@link #apply(String, Step, StepResult)} does and returns its result in
   * a new holder.
   *
   * @param key the store key
   * @param step the algorithm step to apply
   * @return the step's result
   * @throws StoreException if the store cannot answer and has no configured fallback
   */
  default StepResult apply(String key, Step step) {
    StepResult result = new StepResult();
    apply(key, step, result);
    return result;
  }

  /**
   * Releases the store's resources. Stores built around resources they were given (a cache, a
   * cluster member) leave those resources running.
   */
  @Override
  default void close() {}
}
