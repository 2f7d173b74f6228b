/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo;

import static dev.limiter.demo.TestDemo.field;
import static dev.limiter.demo.TestDemo.limiterFields;
import static dev.limiter.demo.TestDemo.number;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo's endpoints for limits beyond request rate: runs in flight, failed logins, idempotent
 * messages, anonymous-or-keyed shares, charged completions and exempt internal keys.
 */
class DemoBeyondRateTest {

  private static TestDemo demo;

  @BeforeAll
  static void start() throws Exception {
    demo = TestDemo.start();
  }

  @AfterAll
  static void stop() {
    demo.close();
  }

  /** Sends probes until one is rejected, at most {@code attempts} of them; returns it or null. */
  private static HttpResponse<String> firstRejectedRun(String key, int attempts) throws Exception {
    for (int i = 0; i < attempts; i++) {
      HttpResponse<String> probe = demo.post("/api/runs?holdMs=0", "X-API-Key", key);
      if (probe.statusCode() == 429) {
        return probe;
      }
      Thread.sleep(10); // the holders are being admitted: look again shortly
    }
    return null;
  }

  @Test
  void runsAllowTwoInFlightPerKeyAndAnswer429WithRetryAfterOneForTheThird() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> holders = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      holders.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return demo.post("/api/runs?holdMs=3000", "X-API-Key", "runner");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    HttpResponse<String> rejected = firstRejectedRun("runner", 200);
    assertThat(rejected).as("a third run while two are held").isNotNull();
    assertThat(field(rejected, "Retry-After")).isEqualTo("1");
    assertThat(field(rejected, "X-RateLimit-Policy")).isEqualTo("runs");
    assertThat(number(rejected, "X-RateLimit-Limit")).isEqualTo(2);
    assertThat(number(rejected, "X-RateLimit-Remaining")).isZero();
    assertThat(field(rejected, "RateLimit-Policy"))
        .isEqualTo("\"runs\";q=2;qu=\"concurrent-requests\"");
    assertThat(rejected.body()).contains("\"policy\":\"runs\"");
    // another key has its own slots
    assertThat(demo.post("/api/runs?holdMs=0", "X-API-Key", "other").statusCode()).isEqualTo(200);
    for (CompletableFuture<HttpResponse<String>> holder : holders) {
      assertThat(holder.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> after = demo.post("/api/runs?holdMs=0", "X-API-Key", "runner");
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(number(after, "X-RateLimit-Remaining")).isEqualTo(1); // both slots came back
    assertThat(demo.post("/api/runs?holdMs=10001", "X-API-Key", "runner").statusCode())
        .isEqualTo(400);
  }

  @Test
  void goldKeysRunTwentyAtOnce() throws Exception {
    HttpResponse<String> run = demo.post("/api/runs?holdMs=0", "X-API-Key", "gold-runner");
    assertThat(number(run, "X-RateLimit-Limit")).isEqualTo(20);
  }

  @Test
  void loginCountsOnlyFailuresFivePerQuarterHourPerAddressAndUser() throws Exception {
    for (int i = 0; i < 12; i++) {
      HttpResponse<String> ok = demo.post("/api/login?user=ann&password=secret");
      assertThat(ok.statusCode()).isEqualTo(200);
    }
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> failed = demo.post("/api/login?user=ann&password=guess" + i);
      assertThat(failed.statusCode()).isEqualTo(401);
    }
    HttpResponse<String> sixth = demo.post("/api/login?user=ann&password=secret");
    assertThat(sixth.statusCode()).isEqualTo(429);
    assertThat(field(sixth, "X-RateLimit-Policy")).isEqualTo("login-failures");
    assertThat(demo.post("/api/login?user=bob&password=guess").statusCode()).isEqualTo(401);
    demo.clock().advance(Duration.ofMinutes(17)); // the window and its last sub-window passed
    assertThat(demo.post("/api/login?user=ann&password=secret").statusCode()).isEqualTo(200);
  }

  @Test
  void aRepeatedIdempotencyKeyIsNotChargedAgain() throws Exception {
    HttpResponse<String> first =
        demo.post("/api/messages?to=zoe", "X-API-Key", "idem", "Idempotency-Key", "m-1");
    assertThat(number(first, "X-RateLimit-Remaining")).isEqualTo(2); // pair: 3 a minute
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> retry =
          demo.post("/api/messages?to=zoe", "X-API-Key", "idem", "Idempotency-Key", "m-1");
      assertThat(retry.statusCode()).isEqualTo(200);
      assertThat(number(retry, "X-RateLimit-Remaining")).isEqualTo(2);
    }
    HttpResponse<String> next =
        demo.post("/api/messages?to=zoe", "X-API-Key", "idem", "Idempotency-Key", "m-2");
    assertThat(number(next, "X-RateLimit-Remaining")).isEqualTo(1);
  }

  @Test
  void sharesLimitAnonymousCallersByAddressAndKeyedCallersByKeyAlone() throws Exception {
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> anonymous = demo.post("/api/shares");
      assertThat(anonymous.statusCode()).isEqualTo(200);
      assertThat(field(anonymous, "X-RateLimit-Policy")).isEqualTo("shares-anonymous");
    }
    assertThat(demo.post("/api/shares").statusCode()).isEqualTo(429);
    HttpResponse<String> keyed = demo.post("/api/shares", "X-API-Key", "sharer");
    assertThat(keyed.statusCode()).isEqualTo(200);
    assertThat(field(keyed, "X-RateLimit-Policy")).isEqualTo("shares");
    assertThat(number(keyed, "X-RateLimit-Limit")).isEqualTo(30);
    HttpResponse<String> bearer = demo.post("/api/shares", "Authorization", "Bearer t-42");
    assertThat(bearer.statusCode()).isEqualTo(200);
    assertThat(number(bearer, "X-RateLimit-Remaining")).isEqualTo(29);
    assertThat(field(bearer, "RateLimit-Policy")).isEqualTo("\"shares\";q=30;w=3600");
  }

  @Test
  void completionsChargeTheTokensTheyUsedAndRefundAFailedOne() throws Exception {
    HttpResponse<String> big = demo.post("/api/completions?tokens=400", "X-API-Key", "writer");
    assertThat(big.body()).isEqualTo("{\"tokens\":400,\"charged\":400}");
    HttpResponse<String> failed = demo.post("/api/completions?tokens=0", "X-API-Key", "writer");
    assertThat(failed.body()).isEqualTo("{\"tokens\":0,\"charged\":0}");
    HttpResponse<String> small = demo.post("/api/completions?tokens=1", "X-API-Key", "writer");
    assertThat(number(small, "X-RateLimit-Remaining")).isEqualTo(1000 - 400 - 1);
    HttpResponse<String> tooMuch = demo.post("/api/completions?tokens=1000", "X-API-Key", "writer");
    assertThat(tooMuch.body()).isEqualTo("{\"tokens\":1000,\"charged\":599}"); // what was left
    assertThat(demo.post("/api/completions?tokens=1", "X-API-Key", "writer").statusCode())
        .isEqualTo(429);
  }

  @Test
  void internalKeysAreExemptAndCarryNoRateLimitField() throws Exception {
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> hello = demo.get("/api/hello", "X-API-Key", "internal-probe");
      assertThat(hello.statusCode()).isEqualTo(200);
      assertThat(limiterFields(hello)).isEmpty();
    }
  }
}
