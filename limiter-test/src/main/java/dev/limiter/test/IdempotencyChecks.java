/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.Admission;
import dev.limiter.Decision;
import dev.limiter.EndpointLimits;
import dev.limiter.LimitStatus;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Idempotent retries through the engine, whose remembered keys live in the store under test: a
 * retry of an admitted request is not charged, a rejected request leaves nothing to retry on, a
 * flood of one key charges one unit at most, and keys are forgotten once their window has passed.
 * Run as {@link StoreCompatibilityKit}'s {@code IdempotentRetries} group.
 */
abstract class IdempotencyChecks extends EngineChecks {

  private static final RateLimitPolicy MESSAGES = RateLimitPolicy.of("messages", "1m", 3, "apiKey");
  private static final Duration WINDOW = Duration.ofHours(24);
  private static final String HEADER = "Idempotency-Key";

  /** The rate limit's window and a tenth: every unit it took is back. */
  private static final Duration RATE_WINDOW_PASSED = Duration.ofSeconds(66);

  private EndpointLimits limits(RateLimiter limiter) {
    return limiter.limits(List.of(MESSAGES)).withIdempotency(WINDOW, HEADER);
  }

  /** Sends a request of {@code apiKey} carrying {@code idempotencyKey} and completes it. */
  private static Decision send(
      RateLimiter limiter, EndpointLimits limits, String apiKey, String idempotencyKey) {
    Admission admission =
        limiter.admit(limits, Request.withApiKey(apiKey).header(HEADER, idempotencyKey));
    admission.complete(admission.allowed() ? 201 : 429);
    return decision(admission);
  }

  @Test
  void aRetryOfAnAdmittedRequestIsNotChargedAndOneOfARejectedRequestIs() {
    try (RateLimiter limiter = limiter()) {
      EndpointLimits limits = limits(limiter);
      assertThat(send(limiter, limits, "k", "a").allowed()).isTrue();
      assertThat(remaining(MESSAGES, "k")).isEqualTo(2);
      Decision retry = send(limiter, limits, "k", "a");
      assertThat(status(retry, "messages"))
          .returns(true, LimitStatus::allowed)
          .returns(Duration.ZERO, LimitStatus::retryAfter);
      assertThat(remaining(MESSAGES, "k")).as("the retry was not charged").isEqualTo(2);
      Admission without = limiter.admit(limits, Request.withApiKey("k"));
      without.complete(200);
      assertThat(remaining(MESSAGES, "k")).as("a request without the header is").isEqualTo(1);
      assertThat(send(limiter, limits, "k", "b").allowed()).isTrue();
      assertThat(remaining(MESSAGES, "k")).isZero();

      assertThat(send(limiter, limits, "k", "c").allowed()).as("the key is spent").isFalse();
      assertThat(send(limiter, limits, "k", "a").allowed())
          .as("a retry of an admitted request on the spent key")
          .isTrue();
      assertThat(send(limiter, limits, "other", "a").allowed())
          .as("the same value under another key is a new request")
          .isTrue();
      assertThat(remaining(MESSAGES, "other")).isEqualTo(2);

      clock().advance(RATE_WINDOW_PASSED);
      assertThat(send(limiter, limits, "k", "c").allowed()).isTrue();
      assertThat(remaining(MESSAGES, "k"))
          .as("the retry of the rejected request was charged")
          .isEqualTo(2);
      assertThat(send(limiter, limits, "k", "c").allowed()).isTrue();
      assertThat(send(limiter, limits, "k", "a").allowed()).isTrue();
      assertThat(remaining(MESSAGES, "k")).as("both remembered now").isEqualTo(2);
    }
  }

  @Test
  void aConcurrentFloodOfOneIdempotencyKeyChargesOneUnitAndAdmitsNothingOnASpentKey()
      throws Exception {
    try (RateLimiter limiter = limiter()) {
      EndpointLimits limits = limits(limiter);
      int rounds = Math.max(1, attempts() / 4 / THREADS);
      AtomicInteger admittedFresh = new AtomicInteger();
      inParallel(
          THREADS,
          thread -> {
            for (int i = 0; i < rounds; i++) {
              if (send(limiter, limits, "fresh", "flood").allowed()) {
                admittedFresh.incrementAndGet();
              }
            }
          });
      // the first copy is charged, the next ones are free retries up to the key's budget, and
      // past it copies are charged like any request until the limit is spent
      assertThat(THREADS * rounds).isGreaterThan(3 + EndpointLimits.DEFAULT_RETRIES);
      assertThat(admittedFresh.get())
          .as("admitted of %d copies of one request", THREADS * rounds)
          .isEqualTo(3 + EndpointLimits.DEFAULT_RETRIES);
      assertThat(remaining(MESSAGES, "fresh")).isZero();

      for (String id : List.of("x", "y", "z")) {
        assertThat(send(limiter, limits, "spent", id).allowed()).isTrue();
      }
      AtomicInteger admittedSpent = new AtomicInteger();
      inParallel(
          THREADS,
          thread -> {
            for (int i = 0; i < rounds; i++) {
              if (send(limiter, limits, "spent", "never-admitted").allowed()) {
                admittedSpent.incrementAndGet();
              }
            }
          });
      assertThat(admittedSpent.get())
          .as("admitted of %d copies of a request on a spent key", THREADS * rounds)
          .isZero();
      assertThat(remaining(MESSAGES, "spent")).isZero();
      clock().advance(RATE_WINDOW_PASSED);
      assertThat(send(limiter, limits, "spent", "never-admitted").allowed()).isTrue();
      assertThat(remaining(MESSAGES, "spent"))
          .as("the flood left nothing remembered: its next copy is charged")
          .isEqualTo(2);
    }
  }

  @Test
  void aRememberedKeyIsKeptForTheWindowAndForgottenByTheWindowAndATenth() {
    try (RateLimiter limiter = limiter()) {
      EndpointLimits limits = limits(limiter);
      assertThat(send(limiter, limits, "k", "a").allowed()).isTrue();

      clock().set(StoreCompatibilityKit.START.plus(WINDOW).minusMillis(1));
      assertThat(send(limiter, limits, "k", "a").allowed()).isTrue();
      assertThat(remaining(MESSAGES, "k")).as("1 ms before the window ends").isEqualTo(3);

      // a free retry is remembered in the key's entry too: the key is kept for the window after
      // its last retry, and forgotten by that window and a tenth
      clock()
          .set(
              StoreCompatibilityKit.START
                  .plus(WINDOW)
                  .minusMillis(1)
                  .plus(WINDOW)
                  .plus(WINDOW.dividedBy(10)));
      assertThat(send(limiter, limits, "k", "a").allowed()).isTrue();
      assertThat(remaining(MESSAGES, "k")).as("forgotten: charged as a new request").isEqualTo(2);
      assertThat(send(limiter, limits, "k", "a").allowed()).isTrue();
      assertThat(remaining(MESSAGES, "k")).as("and remembered again").isEqualTo(2);
    }
  }
}
