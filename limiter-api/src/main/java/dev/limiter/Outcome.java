/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

/**
 * What the engine answers for one request: a {@link Decision}; a {@link MissingKey} when the
 * request does not carry what its limits are keyed on; a {@link StoreUnavailable} when the store
 * cannot decide and is configured to refuse.
 *
 * <pre>{@code
 * Outcome outcome = limiter.check(limits, request);
 * if (outcome instanceof MissingKey missing) { ... 401 if missing.credentials(), else 400 ... }
 * else if (outcome instanceof Decision decision && !decision.allowed()) { ... answer 429 ... }
 * }</pre>
 */
public sealed interface Outcome permits Decision, MissingKey, StoreUnavailable {}
