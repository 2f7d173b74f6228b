/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.webmvc;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.ManualClock;
import dev.limiter.RateLimiter;
import dev.limiter.testing.RawHttp;
import dev.limiter.testing.RawHttp.Reply;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * The limits that need the end of the response, through the interceptor in a plain Spring MVC
 * application on embedded Tomcat 10.1, over real HTTP on 127.0.0.1: every count is of real
 * requests, many at once where it matters.
 */
class AdmissionTest {

  private static MvcTomcat server;
  private static RateLimiter limiter;
  private static ManualClock clock;
  private static int port;
  private static ExecutorService clients;

  @BeforeAll
  static void start() {
    server = new MvcTomcat(AdmissionApplication.WebConfig.class).start();
    port = server.port();
    limiter = server.spring().getBean(RateLimiter.class);
    clock = server.spring().getBean(ManualClock.class);
    clients = Executors.newFixedThreadPool(20);
  }

  @AfterAll
  static void stop() throws Exception {
    clients.shutdownNow();
    server.close();
  }

  /** Whatever a test did, every admitted request it sent has given back its slots. */
  @AfterEach
  void nothingInFlight() {
    await(
        () -> limiter.inFlight() == 0,
        () -> "every request in flight completed; in flight: " + limiter.inFlight());
  }

  static Reply request(String method, String target, String... fields) throws IOException {
    StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
    if (method.equals("POST")) {
      head.append("Content-Length: 0\r\n");
    }
    for (String field : fields) {
      head.append(field).append("\r\n");
    }
    return RawHttp.exchange(port, head.toString());
  }

  static Reply get(String target, String... fields) throws IOException {
    return request("GET", target, fields);
  }

  static Reply post(String target, String... fields) throws IOException {
    return request("POST", target, fields);
  }

  static long remaining(Reply reply) {
    assertThat(reply.values("X-RateLimit-Remaining")).as("X-RateLimit-Remaining").hasSize(1);
    return Long.parseLong(reply.values("X-RateLimit-Remaining").get(0));
  }

  /**
   * Waits at most 10 seconds for {@code condition}, checking it every millisecond or so; {@code
   * what} says what was awaited and what there was instead.
   */
  static void await(BooleanSupplier condition, Supplier<String> what) {
    long deadline = System.nanoTime() + SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 seconds: " + what.get());
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static <T> List<T> done(List<Future<T>> futures) throws Exception {
    List<T> values = new ArrayList<>();
    for (Future<T> future : futures) {
      if (future.isDone()) {
        values.add(future.get());
      }
    }
    return values;
  }

  @Test
  void aConcurrencyLimitAdmitsExactlyMaxWhileTheyAreHeldAndRefusesTheRestAtOnce() throws Exception {
    AdmissionApplication.HeldController held =
        server.spring().getBean(AdmissionApplication.HeldController.class);
    CountDownLatch release = new CountDownLatch(1);
    held.release = release;
    held.entered.set(0);
    List<Future<Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      replies.add(clients.submit(() -> get("/held", "X-API-Key: held-1")));
    }
    await(
        () -> held.entered.get() >= 3 && replies.stream().filter(Future::isDone).count() >= 13,
        () -> "3 in the handler and 13 answered; in the handler: " + held.entered.get());
    List<Reply> refused = done(replies);
    assertThat(refused).hasSize(13);
    assertThat(held.entered.get()).isEqualTo(3);
    assertThat(limiter.inFlight()).isEqualTo(3);
    for (Reply reply : refused) {
      assertThat(reply.status()).isEqualTo(429);
      assertThat(reply.values("Retry-After")).containsExactly("1");
      assertThat(reply.values("RateLimit-Policy"))
          .containsExactly("\"held\";q=3;qu=\"concurrent-requests\"");
      assertThat(reply.body()).contains("\"violated_policies\":[\"held\"]");
    }
    release.countDown();
    List<Integer> statuses = new ArrayList<>();
    for (Future<Reply> reply : replies) {
      statuses.add(reply.get(10, SECONDS).status());
    }
    assertThat(statuses).filteredOn(s -> s == 200).hasSize(3);
    assertThat(statuses).filteredOn(s -> s == 429).hasSize(13);
    assertThat(held.entered.get()).isEqualTo(3);
    await(
        () -> limiter.inFlight() == 0,
        () -> "the 3 slots given back; in flight: " + limiter.inFlight());
    Reply after = get("/held", "X-API-Key: held-1");
    assertThat(after.status()).isEqualTo(200);
    assertThat(remaining(after)).isEqualTo(2);
  }

  @Test
  void anAsynchronousResponseHoldsItsSlotUntilItIsWrittenAndItsDispatchTakesNothing()
      throws Exception {
    AdmissionApplication.HeldController held =
        server.spring().getBean(AdmissionApplication.HeldController.class);
    held.pending.clear();
    Future<Reply> first = clients.submit(() -> get("/held-deferred", "X-API-Key: deferred-1"));
    DeferredResult<String> one = held.pending.poll(10, SECONDS);
    Future<Reply> second = clients.submit(() -> get("/held-deferred", "X-API-Key: deferred-1"));
    DeferredResult<String> two = held.pending.poll(10, SECONDS);
    assertThat(one).isNotNull();
    assertThat(two).isNotNull();
    // both hold their slots across the asynchronous gap, with no thread of the request running
    assertThat(limiter.inFlight()).isEqualTo(2);
    Reply third = get("/held-deferred", "X-API-Key: deferred-1");
    assertThat(third.status()).isEqualTo(429);
    assertThat(third.values("Retry-After")).containsExactly("1");
    one.setResult("one"); // from the test's thread
    Reply firstReply = first.get(10, SECONDS);
    assertThat(firstReply.status()).isEqualTo(200);
    assertThat(firstReply.body()).isEqualTo("one");
    assertThat(remaining(firstReply)).isEqualTo(1);
    await(
        () -> limiter.inFlight() == 1,
        () -> "the first slot given back; in flight: " + limiter.inFlight());
    two.setResult("two");
    assertThat(second.get(10, SECONDS).body()).isEqualTo("two");
    await(
        () -> limiter.inFlight() == 0,
        () -> "both slots given back; in flight: " + limiter.inFlight());
    // the asynchronous dispatches took nothing: a new request finds every slot but its own
    Future<Reply> fourth = clients.submit(() -> get("/held-deferred", "X-API-Key: deferred-1"));
    DeferredResult<String> four = held.pending.poll(10, SECONDS);
    assertThat(four).isNotNull();
    four.setResult("four");
    assertThat(remaining(fourth.get(10, SECONDS))).isEqualTo(1);
  }

  @Test
  void failedLoginsAreCountedAndSuccessfulOnesGiveTheirUnitBack() throws Exception {
    String client = "X-Forwarded-For: 198.51.100.7";
    for (int i = 0; i < 20; i++) {
      Reply success = post("/login?password=secret", client);
      assertThat(success.status()).as("success %d", i).isEqualTo(200);
      assertThat(remaining(success)).isEqualTo(4); // its own unit, given back after
    }
    List<Future<Reply>> failures = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String password = i % 4 == 0 ? "locked" : "wrong";
      failures.add(clients.submit(() -> post("/login?password=" + password, client)));
    }
    int counted = 0;
    int refused = 0;
    for (Future<Reply> failure : failures) {
      int status = failure.get(10, SECONDS).status();
      if (status == 401 || status == 403) {
        counted++;
      } else {
        assertThat(status).isEqualTo(429);
        refused++;
      }
    }
    assertThat(counted).isEqualTo(5);
    assertThat(refused).isEqualTo(15);
    // spent on failures: the right password waits too, which is what stops a guesser
    assertThat(post("/login?password=secret", client).status()).isEqualTo(429);
    // another address has its own five
    assertThat(post("/login?password=wrong", "X-Forwarded-For: 198.51.100.8").status())
        .isEqualTo(401);
    clock.advance(Duration.ofMinutes(2));
    assertThat(post("/login?password=secret", client).status()).isEqualTo(200);
  }

  @Test
  void anExceptionThatEscapesSpringCompletesWith500() throws Exception {
    String key = "X-API-Key: flaky-1";
    for (int i = 0; i < 5; i++) {
      // when the interceptor completes, the response still says 200: Tomcat answers 500 after
      assertThat(get("/flaky?fail=unhandled", key).status()).isEqualTo(500);
      assertThat(get("/flaky?fail=unavailable", key).status()).isEqualTo(503);
    }
    assertThat(get("/flaky?fail=no", key).status()).isEqualTo(200);
    assertThat(get("/flaky?fail=no", key).status()).isEqualTo(200);
    assertThat(get("/flaky?fail=unhandled", key).status()).isEqualTo(429);
  }

  @Test
  void anAsynchronousRequestThatTimesOutCompletesWithSpringsAnswerToTheTimeout() throws Exception {
    String key = "X-API-Key: report-1";
    for (int i = 0; i < 4; i++) {
      assertThat(get("/report?ready=false", key).status()).isEqualTo(503);
    }
    assertThat(get("/report?ready=true", key).status()).isEqualTo(200);
    assertThat(get("/report?ready=true", key).status()).isEqualTo(200);
    assertThat(get("/report?ready=false", key).status()).isEqualTo(429);
  }

  @Test
  void handlersChargeAndRefundThroughTheCurrentAdmission() throws Exception {
    String key = "X-API-Key: tokens-1";
    Reply first = get("/generate?tokens=10", key);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("charged:9:same");
    assertThat(remaining(first)).isEqualTo(99); // the fields describe the admission
    Reply second = get("/generate?tokens=1", key);
    assertThat(remaining(second)).isEqualTo(89);
    // from the thread that runs a Callable
    Reply later = get("/generate-later?tokens=20", key);
    assertThat(later.body()).isEqualTo("charged:19");
    assertThat(remaining(later)).isEqualTo(88);
    // more than what is left: what is left is taken
    Reply greedy = get("/generate?tokens=500", key);
    assertThat(greedy.body()).isEqualTo("charged:68:same");
    assertThat(get("/generate?tokens=1", key).status()).isEqualTo(429);

    String other = "X-API-Key: refund-1";
    for (int i = 0; i < 10; i++) {
      Reply refunded = get("/refundable?refund=true", other);
      assertThat(refunded.body()).isEqualTo("refunded");
      assertThat(remaining(refunded)).isEqualTo(2);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(get("/refundable?refund=false", other).status()).isEqualTo(200);
    }
    assertThat(get("/refundable?refund=false", other).status()).isEqualTo(429);
  }

  @Test
  void noThreadKeepsAnAdmissionAfterItsRequest() throws Exception {
    for (int i = 0; i < 50; i++) {
      assertThat(get("/generate?tokens=1", "X-API-Key: threads-" + i).status()).isEqualTo(200);
      assertThat(get("/generate-later?tokens=2", "X-API-Key: threads-" + i).status())
          .isEqualTo(200);
      // the same Tomcat threads and the one Callable thread serve the open handlers
      assertThat(get("/open").body()).isEqualTo("current:false");
      assertThat(get("/open-later").body()).isEqualTo("current:false");
    }
  }

  @Test
  void aRetryWithTheSameIdempotencyKeyIsNotChargedAndARefusedOneIsChargedWhenRetried()
      throws Exception {
    String key = "X-API-Key: send-1";
    assertThat(post("/send", key, "Idempotency-Key: a").status()).isEqualTo(200);
    assertThat(post("/send", key, "Idempotency-Key: b").status()).isEqualTo(200);
    Reply spent = post("/send", key, "Idempotency-Key: c");
    assertThat(spent.status()).isEqualTo(429);
    for (int i = 0; i < 5; i++) {
      assertThat(post("/send", key, "Idempotency-Key: a").status()).as("retry of a").isEqualTo(200);
    }
    // c was refused, so nothing remembers it: its retry is a new request, refused
    assertThat(post("/send", key, "Idempotency-Key: c").status()).isEqualTo(429);
    assertThat(post("/send", key).status()).isEqualTo(429);
    clock.advance(Duration.ofMinutes(2));
    Reply charged = post("/send", key, "Idempotency-Key: c");
    assertThat(charged.status()).isEqualTo(200);
    assertThat(remaining(charged)).isEqualTo(1);
    assertThat(post("/send", key, "Idempotency-Key: d").status()).isEqualTo(200);
    assertThat(post("/send", key, "Idempotency-Key: e").status()).isEqualTo(429);
    // a and c are remembered within the hour
    assertThat(post("/send", key, "Idempotency-Key: a").status()).isEqualTo(200);
    assertThat(post("/send", key, "Idempotency-Key: c").status()).isEqualTo(200);
  }

  @Test
  void exemptCallersGetNoFieldsAndAreNotCounted() throws Exception {
    for (String key :
        List.of(AdmissionApplication.VIP, AdmissionApplication.UNLIMITED_PREFIX + "1")) {
      List<Future<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        Callable<Reply> call = () -> get("/exemptable", "X-API-Key: " + key);
        replies.add(clients.submit(call));
      }
      for (Future<Reply> future : replies) {
        Reply reply = future.get(10, SECONDS);
        assertThat(reply.status()).as(key).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("exempt");
        assertThat(reply.names())
            .noneMatch(name -> name.contains("ratelimit") || name.equals("retry-after"));
      }
    }
    Reply limited = get("/exemptable", "X-API-Key: plain-1");
    assertThat(limited.body()).isEqualTo("limited");
    assertThat(remaining(limited)).isZero(); // the slot is the scarcer: 0 of 1 left
    assertThat(get("/exemptable", "X-API-Key: plain-1").status()).isEqualTo(200);
    assertThat(get("/exemptable", "X-API-Key: plain-1").status()).isEqualTo(429);
    assertThat(get("/exemptable", "X-API-Key: " + AdmissionApplication.VIP).status())
        .isEqualTo(200);
  }

  @Test
  void anonymousCallersAreLimitedByAddressAndKeyedCallersByTheirKey() throws Exception {
    String address = "X-Forwarded-For: 198.51.100.20";
    Reply anonymous = get("/quote", address);
    assertThat(anonymous.status()).isEqualTo(200);
    assertThat(anonymous.values("X-RateLimit-Policy")).containsExactly("quote-anonymous");
    assertThat(get("/quote", address).status()).isEqualTo(200);
    Reply refused = get("/quote", address);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.body()).contains("\"violated_policies\":[\"quote-anonymous\"]");
    // from the same address, a key or a bearer token is its own caller, not anonymous
    for (String credential : List.of("X-API-Key: quote-key", "Authorization: Bearer token-1")) {
      for (int i = 0; i < 3; i++) {
        Reply keyed = get("/quote", address, credential);
        assertThat(keyed.status()).as(credential).isEqualTo(200);
        assertThat(keyed.values("X-RateLimit-Policy")).containsExactly("quote-keyed");
        assertThat(remaining(keyed)).isEqualTo(2 - i);
      }
      assertThat(get("/quote", address, credential).status()).as(credential).isEqualTo(429);
    }
    assertThat(get("/quote", address, "Authorization: Bearer token-2").status()).isEqualTo(200);
    assertThat(get("/quote", address).status()).isEqualTo(429);
  }
}
