/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.annotation.ConcurrencyLimit;
import dev.limiter.annotation.IdempotencyKey;
import dev.limiter.annotation.RateLimit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's side of issue 13: what an {@link Admission} takes, keeps and gives back. */
class AdmissionTest {

  private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T10:00:00Z"));
  private final MapStore store = new MapStore(clock);
  private final List<RateLimiter> limiters = new ArrayList<>();

  @AfterEach
  void close() {
    limiters.forEach(RateLimiter::close);
  }

  private RateLimiter limiter(Map<String, String> config, LimitResolver resolver) {
    RateLimiter limiter =
        RateLimiter.builder()
            .store(store)
            .clock(clock)
            .limitResolver(resolver)
            .config(
                RateLimitConfig.builder()
                    .environment(Map.of())
                    .systemProperties(config)
                    .valuesFrom("test")
                    .build())
            .build();
    limiters.add(limiter);
    return limiter;
  }

  private RateLimiter limiter() {
    return limiter(Map.of(), LimitResolver.policyMax());
  }

  private static long remaining(Admission admission, String policy) {
    Decision decision = (Decision) admission.outcome();
    return decision.limits().stream()
        .filter(s -> s.policy().equals(policy))
        .findFirst()
        .orElseThrow()
        .remaining();
  }

  // ---- requests in flight

  @Test
  void slotsAreHeldUntilCompletionAndGivenBackOnce() {
    RateLimiter limiter = limiter();
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.concurrency("runs", 2, "apiKey")));
    Admission first = limiter.admit(limits, "k");
    Admission second = limiter.admit(limits, "k");
    Admission third = limiter.admit(limits, "k");
    assertThat(first.allowed()).isTrue();
    assertThat(second.allowed()).isTrue();
    assertThat(third.allowed()).isFalse();
    Decision rejected = (Decision) third.outcome();
    assertThat(rejected.retryAfterSeconds()).isEqualTo(1);
    assertThat(rejected.reported().kind()).isEqualTo(LimitKind.CONCURRENCY);
    assertThat(limiter.inFlight()).isEqualTo(2);

    first.complete(200);
    first.complete(200); // once only: a second completion must not free another request's slot
    first.complete(500);
    assertThat(limiter.inFlight()).isEqualTo(1);
    Admission fourth = limiter.admit(limits, "k");
    assertThat(fourth.allowed()).isTrue();
    assertThat(limiter.admit(limits, "k").allowed()).isFalse();
    second.complete(200);
    fourth.complete(200);
    assertThat(limiter.inFlight()).isZero();
    assertThat(remaining(limiter.admit(limits, "k"), "runs")).isEqualTo(1);
  }

  @Test
  void manyThreadsNeverHoldMoreThanMaxSlots() throws Exception {
    RateLimiter limiter = limiter();
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.concurrency("runs", 3, "apiKey")));
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger admitted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 2_000; i++) {
                    Admission admission = limiter.admit(limits, "k");
                    if (admission.allowed()) {
                      int now = holding.incrementAndGet();
                      most.accumulateAndGet(now, Math::max);
                      admitted.incrementAndGet();
                      Admission extra = limiter.admit(limits, "k"); // others race for slots
                      if (extra.allowed()) {
                        most.accumulateAndGet(holding.incrementAndGet(), Math::max);
                        holding.decrementAndGet();
                        extra.complete(204);
                      }
                      holding.decrementAndGet();
                      admission.complete(ThreadLocalRandom.current().nextBoolean() ? 200 : 500);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(most.get()).isLessThanOrEqualTo(3);
    assertThat(admitted.get()).isGreaterThan(100);
    assertThat(limiter.inFlight()).isZero();
    assertThat(remaining(limiter.admit(limits, "k"), "runs")).isEqualTo(2);
  }

  @Test
  void aSlotWhoseLeaseIsRenewedOutlivesManyLeasesAndADeadHoldersSlotComesBack() {
    RateLimiter alive = limiter();
    RateLimiter dead = limiter(); // stands for a member that stopped: nothing renews its slot
    RateLimitPolicy runs = RateLimitPolicy.concurrency("runs", 2, "apiKey");
    EndpointLimits limits = alive.limits(List.of(runs));
    EndpointLimits deadLimits = dead.limits(List.of(runs));
    Admission longRun = alive.admit(limits, "k");
    Admission orphan = dead.admit(deadLimits, "k");
    assertThat(longRun.allowed()).isTrue();
    assertThat(orphan.allowed()).isTrue();
    dead.leaseEnded(orphan); // its member is gone: nobody renews it
    long step = RateLimitPolicy.DEFAULT_LEASE.toNanos() / 3;
    int rejectedWhileOrphanHeld = 0;
    for (int i = 0; i < 12; i++) { // four leases long
      clock.advanceNanos(step);
      alive.renewLeases();
      Admission probe = alive.admit(limits, "k");
      if (!probe.allowed()) {
        rejectedWhileOrphanHeld++;
        continue;
      }
      // the orphan's slot is back: exactly one slot is free, never two, as the long run keeps its
      Admission extra = alive.admit(limits, "k");
      assertThat(extra.allowed()).isFalse();
      probe.complete(200);
    }
    // the orphan's slot counted for at least its lease and came back within 1.1 leases
    long lease = RateLimitPolicy.DEFAULT_LEASE.toNanos();
    assertThat(rejectedWhileOrphanHeld * step).isGreaterThanOrEqualTo(lease - step);
    assertThat(rejectedWhileOrphanHeld * step).isLessThanOrEqualTo(lease + lease / 10 + step);
    assertThat(alive.inFlight()).isEqualTo(1); // the long run still holds its slot
    longRun.complete(200);
    assertThat(alive.inFlight()).isZero();
    assertThat(remaining(alive.admit(limits, "k"), "runs")).isEqualTo(1);
  }

  @Test
  void aRejectionByOneKindTakesNothingFromTheOther() {
    RateLimiter limiter = limiter();
    EndpointLimits limits =
        limiter.limits(
            List.of(
                RateLimitPolicy.of("hourly", "1h", 10, "apiKey"),
                RateLimitPolicy.concurrency("runs", 1, "apiKey")));
    Admission holding = limiter.admit(limits, "k", "k");
    assertThat(holding.allowed()).isTrue();
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.admit(limits, "k", "k").allowed()).isFalse(); // no slot
    }
    holding.complete(200);
    Admission next = limiter.admit(limits, "k", "k");
    assertThat(remaining(next, "hourly")).isEqualTo(8); // only the two admitted were counted
  }

  @Test
  void checkAndAcquireRefuseLimitsThatNeedCompletion() {
    RateLimiter limiter = limiter();
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.concurrency("runs", 2, "apiKey")));
    assertThatThrownBy(() -> limiter.acquire(limits, "k"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("admit()");
    assertThatThrownBy(() -> limiter.check(limits, new TestRequest().header("X-API-Key", "k")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("complete the Admission");
  }

  // ---- counting by outcome

  @Test
  void onlyCountedStatusesKeepTheirUnitsAndConcurrentRequestsCannotSlipThrough() throws Exception {
    RateLimiter limiter = limiter();
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("login", "15m", 5, "ip").withCountOn("401,403")));
    for (int i = 0; i < 20; i++) {
      Admission success = limiter.admit(limits, "u");
      assertThat(success.allowed()).isTrue();
      success.complete(200);
    }
    AtomicInteger failuresAdmitted = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 200; i++) {
                    Admission attempt = limiter.admit(limits, "u");
                    if (attempt.allowed()) {
                      boolean fails = ThreadLocalRandom.current().nextBoolean();
                      if (fails) {
                        failuresAdmitted.incrementAndGet();
                      }
                      attempt.complete(fails ? 401 : 200);
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(failuresAdmitted.get()).isEqualTo(5);
    assertThat(limiter.admit(limits, "u").allowed()).isFalse();
  }

  @Test
  void statusSetsParseAndMatch() {
    assertThat(StatusSet.parse("401, 403").matches(401)).isTrue();
    assertThat(StatusSet.parse("401, 403").matches(402)).isFalse();
    assertThat(StatusSet.parse("2xx").matches(204)).isTrue();
    assertThat(StatusSet.parse("2xx").matches(302)).isFalse();
    assertThat(StatusSet.parse("!5xx").matches(503)).isFalse();
    assertThat(StatusSet.parse("!5xx").matches(429)).isTrue();
    assertThat(StatusSet.parse("").all()).isTrue();
    assertThat(StatusSet.parse(" ! 5XX ").toString()).isEqualTo("!5xx");
    for (String bad : new String[] {"600", "6xx", "2x", "abc", "!", "401,,403", "4x1"}) {
      assertThatThrownBy(() -> StatusSet.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a status");
    }
  }

  // ---- refunds and charges

  @Test
  void refundsAndChargesGoBackToTheStateThatTookThem() {
    RateLimiter limiter = limiter();
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("tokens", "1h", 100, "apiKey")));
    Admission request = limiter.admit(limits, "k");
    assertThat(remaining(request, "tokens")).isEqualTo(99);
    assertThat(request.charge("tokens", 30)).isEqualTo(30);
    assertThat(remaining(limiter.admit(limits, "k"), "tokens")).isEqualTo(68);
    assertThat(request.charge("tokens", 500)).isEqualTo(68); // what is left, no more
    assertThat(limiter.admit(limits, "k").allowed()).isFalse();
    request.refund(); // 1 + 30 + 68 back
    request.refund(); // given back once: a second refund changes nothing
    // 100, less the admit that read 68 and this one
    assertThat(remaining(limiter.admit(limits, "k"), "tokens")).isEqualTo(98);
    assertThatThrownBy(() -> request.charge("other", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"tokens\"");
  }

  @Test
  void aRefundAfterTheWindowPassedGivesNothingToTheNewWindow() {
    RateLimiter limiter = limiter();
    EndpointLimits limits =
        limiter.limits(
            List.of(
                new RateLimitPolicy(
                    "daily", Duration.ofDays(1), 3, "apiKey", 1, Algorithm.FIXED_WINDOW)));
    Admission old = limiter.admit(limits, "k");
    clock.advance(Duration.ofDays(1));
    Admission fresh = limiter.admit(limits, "k");
    assertThat(remaining(fresh, "daily")).isEqualTo(2);
    old.refund();
    assertThat(remaining(limiter.admit(limits, "k"), "daily")).isEqualTo(1);
  }

  @Test
  void chargesAndRefundsOfALimitThatDidNotApplyChangeNothingAndUnknownNamesFail() {
    RateLimiter limiter =
        limiter(
            Map.of(),
            (policy, key) -> key.startsWith("internal-") ? LimitResolver.UNLIMITED : policy.max());
    EndpointLimits limits =
        limiter.limits(
            List.of(
                RateLimitPolicy.of("tokens", "1h", 100, "apiKey"),
                RateLimitPolicy.of("anonymous", "1m", 3, "ip").withUnless("apiKey")));
    Admission exempt = limiter.admit(limits, new TestRequest().header("X-API-Key", "internal-1"));
    assertThat(exempt.charge("tokens", 50)).isZero(); // no 500 for an exempt caller
    exempt.refund("tokens");
    exempt.refund();
    Admission keyed = limiter.admit(limits, new TestRequest().header("X-API-Key", "k"));
    assertThat(keyed.charge("anonymous", 2)).isZero(); // unless turned it off for this request
    assertThat(keyed.charge("tokens", 9)).isEqualTo(9);
    assertThat(
            remaining(limiter.admit(limits, new TestRequest().header("X-API-Key", "k")), "tokens"))
        .isEqualTo(89);
    assertThatThrownBy(() -> exempt.charge("tokenz", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "policy \"tokenz\" is not a rate limit of this endpoint; its rate limits are"
                + " \"tokens\", \"anonymous\"");
    Admission missing = limiter.admit(limits, new TestRequest()); // tokens needs a key
    assertThat(missing.outcome()).isInstanceOf(MissingKey.class);
    assertThatThrownBy(() -> missing.charge("tokens", 1)).hasMessageContaining("was not admitted");
    assertThat(store.keys()).doesNotContain("tokens:internal-1");
  }

  @Test
  void aCompletionWhoseStoreThrowsStillEndsTheLease() {
    AtomicInteger calls = new AtomicInteger();
    RateLimiter limiter =
        RateLimiter.builder()
            .store(
                (key, step, result) -> {
                  if (step.release() && calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("a store bug");
                  }
                  store.apply(key, step, result);
                })
            .clock(clock)
            .config(
                RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build())
            .build();
    limiters.add(limiter);
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.concurrency("runs", 2, "apiKey")));
    Admission admission = limiter.admit(limits, "k");
    assertThatThrownBy(() -> admission.complete(200)).hasMessage("a store bug");
    assertThat(limiter.inFlight()).isZero(); // not renewed for ever
  }

  // ---- idempotent retries

  @Test
  void aRepeatedIdempotencyKeyIsNotChargedAndARejectedOneIsNotRemembered() {
    RateLimiter limiter = limiter();
    EndpointLimits limits =
        limiter
            .limits(List.of(RateLimitPolicy.of("messages", "1h", 2, "apiKey")))
            .withIdempotency(Duration.ofHours(24), "Idempotency-Key");
    TestRequest first = new TestRequest().header("X-API-Key", "k").header("Idempotency-Key", "a");
    assertThat(remaining(limiter.admit(limits, first), "messages")).isEqualTo(1);
    assertThat(remaining(limiter.admit(limits, first), "messages")).isEqualTo(1); // a retry
    TestRequest second = new TestRequest().header("X-API-Key", "k").header("Idempotency-Key", "b");
    assertThat(remaining(limiter.admit(limits, second), "messages")).isZero();
    TestRequest third = new TestRequest().header("X-API-Key", "k").header("Idempotency-Key", "c");
    assertThat(limiter.admit(limits, third).allowed()).isFalse();
    assertThat(limiter.admit(limits, first).allowed()).isTrue(); // spent, but a retry of a
    assertThat(limiter.admit(limits, second).allowed()).isTrue(); // request that was admitted
    clock.advance(Duration.ofHours(1).plusMinutes(7));
    assertThat(remaining(limiter.admit(limits, third), "messages")).isEqualTo(1); // charged anew
    clock.advance(Duration.ofHours(27));
    // forgotten: charged as new (a retry would leave 2)
    assertThat(remaining(limiter.admit(limits, first), "messages")).isEqualTo(1);
    TestRequest otherKey =
        new TestRequest().header("X-API-Key", "other").header("Idempotency-Key", "c");
    assertThat(remaining(limiter.admit(limits, otherKey), "messages")).isEqualTo(1);
  }

  @Test
  void oneIdempotencyKeyGetsItsFreeRetriesAndNoMore() {
    RateLimiter limiter = limiter();
    EndpointLimits limits =
        limiter
            .limits(List.of(RateLimitPolicy.of("messages", "1h", 1, "apiKey")))
            .withIdempotency(Duration.ofHours(24), "Idempotency-Key", 3);
    TestRequest request =
        new TestRequest().header("X-API-Key", "k").header("Idempotency-Key", "again");
    assertThat(limiter.admit(limits, request).allowed()).isTrue(); // charged: the limit is spent
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.admit(limits, request).allowed()).as("retry " + (i + 1)).isTrue();
    }
    for (int i = 0; i < 20; i++) {
      assertThat(limiter.admit(limits, request).allowed()).as("past the free retries").isFalse();
    }
    assertThatThrownBy(() -> limits.withIdempotency(Duration.ofHours(1), "Idempotency-Key", 0))
        .hasMessageContaining("from 1 to 1000");
  }

  @Test
  void aFloodOfOneIdempotencyKeyOnASpentKeyAdmitsNothing() throws Exception {
    RateLimiter limiter = limiter();
    EndpointLimits limits =
        limiter
            .limits(List.of(RateLimitPolicy.of("messages", "1h", 1, "apiKey")))
            .withIdempotency(Duration.ofHours(24), "Idempotency-Key");
    assertThat(limiter.admit(limits, new TestRequest().header("X-API-Key", "k")).allowed())
        .isTrue();
    AtomicInteger admitted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 500; i++) {
                    TestRequest flood =
                        new TestRequest().header("X-API-Key", "k").header("Idempotency-Key", "x");
                    if (limiter.admit(limits, flood).allowed()) {
                      admitted.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(admitted.get()).isZero();
  }

  // ---- exemptions

  @Test
  void anUnlimitedKeyIsNeitherCountedNorReported() {
    RateLimiter limiter =
        limiter(
            Map.of(),
            (policy, key) -> key.startsWith("ops-") ? LimitResolver.UNLIMITED : policy.max());
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("hourly", "1h", 1, "apiKey")));
    for (int i = 0; i < 10; i++) {
      Decision decision = limiter.acquire(limits, "ops-1");
      assertThat(decision.exempt()).isTrue();
      assertThat(decision.allowed()).isTrue();
      assertThat(decision.limits()).isEmpty();
    }
    assertThat(store.size()).isZero();
    assertThat(limiter.acquire(limits, "k").allowed()).isTrue();
    assertThat(limiter.acquire(limits, "k").allowed()).isFalse();
    assertThatThrownBy(() -> limiter.acquire(limits, "ops-1").policy())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exempt");
  }

  @Test
  void aLimitOfZeroStillRejects() {
    RateLimiter limiter = limiter(Map.of(), (policy, key) -> 0);
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("hourly", "1h", 5, "apiKey")));
    assertThat(limiter.acquire(limits, "k").allowed()).isFalse();
  }

  @Test
  void configuredExemptionsApplyBeforeAnythingIsCounted() {
    RateLimiter limiter =
        limiter(
            Map.of(
                "ratelimit.exempt.addresses", "10.0.0.0/8, ::1",
                "ratelimit.exempt.principals", "monitor",
                "ratelimit.search.exempt.api-keys", "internal-1"),
            LimitResolver.policyMax());
    EndpointLimits limits =
        limiter.limits(
            List.of(
                RateLimitPolicy.of("search", "1m", 1, "apiKey|ip"),
                RateLimitPolicy.of("daily", "1d", 100, "apiKey|ip")));
    Admission internal = limiter.admit(limits, TestRequest.from("10.1.2.3"));
    assertThat(((Decision) internal.outcome()).exempt()).isTrue();
    Admission monitor = limiter.admit(limits, new TestRequest().principal("monitor"));
    assertThat(((Decision) monitor.outcome()).exempt()).isTrue();
    TestRequest keyed = new TestRequest().header("X-API-Key", "internal-1");
    Decision onlyDaily = (Decision) limiter.admit(limits, keyed).outcome();
    assertThat(onlyDaily.limits()).extracting(LimitStatus::policy).containsExactly("daily");
    assertThat(limiter.admit(limits, keyed).allowed()).isTrue(); // search does not apply to it
    assertThat(store.keys()).containsExactly("daily:internal-1");
    assertThat(limiter.admit(limits, TestRequest.from("192.0.2.7")).allowed()).isTrue();
    assertThat(limiter.admit(limits, TestRequest.from("192.0.2.7")).allowed()).isFalse();
  }

  @Test
  void aBadExemptAddressFailsNamingTheKey() {
    assertThatThrownBy(
            () -> limiter(Map.of("ratelimit.exempt.addresses", "10.0.0.0/33"), (p, k) -> 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ratelimit.exempt.addresses")
        .hasMessageContaining("exempt address \"10.0.0.0/33\"");
  }

  // ---- anonymous by address beside keyed

  static final class Shares {
    @RateLimit(
        name = "shares-anonymous",
        window = "1m",
        max = 3,
        key = "ip",
        unless = "apiKey|bearer")
    @RateLimit(
        name = "shares-keyed",
        window = "60m",
        max = 30,
        key = "apiKey|bearer",
        optional = true)
    public void share() {}

    @RateLimit(name = "bad-unless", window = "1m", max = 3, key = "ip", unless = "cookie")
    public void badUnless() {}

    @RateLimit(name = "bad-count", window = "1m", max = 3, key = "ip", countOn = "2xy")
    public void badCountOn() {}

    @ConcurrencyLimit(max = 2, key = "apiKey", lease = "1s")
    public void shortLease() {}

    @IdempotencyKey(window = "1y")
    @RateLimit(window = "1m", max = 3, key = "ip")
    public void badIdempotency() {}
  }

  @Test
  void anonymousCallersAreLimitedByAddressAndKeyedCallersByKeyAlone() throws Exception {
    RateLimiter limiter = limiter();
    EndpointLimits limits =
        limiter.limitsFor(Shares.class, Shares.class.getMethod("share"), Set.of());
    TestRequest anonymous = TestRequest.from("192.0.2.9");
    TestRequest keyed = TestRequest.from("192.0.2.9").header("X-API-Key", "k1");
    TestRequest bearer = TestRequest.from("192.0.2.9").header("Authorization", "Bearer tok-123");
    for (int i = 0; i < 10; i++) {
      Decision d = (Decision) limiter.admit(limits, keyed).outcome();
      assertThat(d.limits()).extracting(LimitStatus::policy).containsExactly("shares-keyed");
    }
    Decision viaBearer = (Decision) limiter.admit(limits, bearer).outcome();
    assertThat(viaBearer.limits()).extracting(LimitStatus::policy).containsExactly("shares-keyed");
    for (int i = 0; i < 3; i++) {
      Decision d = (Decision) limiter.admit(limits, anonymous).outcome();
      assertThat(d.allowed()).isTrue();
      assertThat(d.limits()).extracting(LimitStatus::policy).containsExactly("shares-anonymous");
    }
    assertThat(limiter.admit(limits, anonymous).allowed()).isFalse();
    assertThat(limiter.admit(limits, keyed).allowed()).isTrue(); // the address limit spares it
    assertThat(store.keys())
        .noneMatch(k -> k.contains("tok-123"))
        .contains("shares-keyed:bearer=" + RateLimiter.sha256("tok-123"));
  }

  @Test
  void invalidNewAttributesFailNamingTheMethodAndAttribute() throws Exception {
    RateLimiter limiter = limiter();
    assertThatThrownBy(
            () -> limiter.limitsFor(Shares.class, Shares.class.getMethod("badUnless"), Set.of()))
        .hasMessageContaining("Invalid @RateLimit on dev.limiter.AdmissionTest$Shares#badUnless")
        .hasMessageContaining("attribute unless");
    assertThatThrownBy(
            () -> limiter.limitsFor(Shares.class, Shares.class.getMethod("badCountOn"), Set.of()))
        .hasMessageContaining("attribute countOn")
        .hasMessageContaining("\"2xy\"");
    assertThatThrownBy(
            () -> limiter.limitsFor(Shares.class, Shares.class.getMethod("shortLease"), Set.of()))
        .hasMessageContaining("Invalid @ConcurrencyLimit on dev.limiter.AdmissionTest$Shares")
        .hasMessageContaining("attribute lease")
        .hasMessageContaining("at least 3s");
    assertThatThrownBy(
            () ->
                limiter.limitsFor(Shares.class, Shares.class.getMethod("badIdempotency"), Set.of()))
        .hasMessageContaining("Invalid @IdempotencyKey on dev.limiter.AdmissionTest$Shares")
        .hasMessageContaining("attribute window");
  }

  @Test
  void bearerTokensAreDigestedAndMissingOnesAskForCredentials() {
    assertThat(KeyExpression.bearer("Bearer abc")).isEqualTo(RateLimiter.sha256("abc"));
    assertThat(KeyExpression.bearer("bearer   abc ")).isEqualTo(RateLimiter.sha256("abc"));
    assertThat(KeyExpression.bearer("Basic dXNlcjpwYXNz")).isNull();
    assertThat(KeyExpression.bearer("Bearer ")).isNull();
    assertThat(KeyExpression.bearer("Bearerabc")).isNull();
    RateLimiter limiter = limiter();
    EndpointLimits limits = limiter.limits(List.of(RateLimitPolicy.of("b", "1m", 3, "bearer")));
    Outcome missing = limiter.admit(limits, new TestRequest()).outcome();
    assertThat(missing)
        .isEqualTo(new MissingKey("b", "a bearer token in header Authorization", true));
  }
}
