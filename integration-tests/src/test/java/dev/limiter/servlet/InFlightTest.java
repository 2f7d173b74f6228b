/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.ManualClock;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimiter;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.http.HttpContract;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Limits on requests in flight in a real Jetty 12 and Tomcat 11: a {@code @ConcurrencyLimit} under
 * a flood, and a URL policy of {@code kind=concurrency} over {@code /mixed/*} that thousands of
 * responses of every kind (errors, exceptions, asynchronous ones, timeouts, clients that go away)
 * must leave with no slot held. Counted through {@link RateLimiter#inFlight()} and the {@code
 * X-RateLimit-Remaining} of a last request; every wait is a bounded loop on what is counted.
 */
@ParameterizedClass
@EnumSource(Container.class)
class InFlightTest {

  /** The URL policy's slots: more than the test ever has in flight, so none is refused. */
  private static final int MIXED_MAX = 64;

  /**
   * A rate limit that keeps the units of 5xx responses only, on every request of {@code /mixed/*}
   * and {@code /count/*} by the run named in {@code X-Run}: what it holds counts the statuses the
   * filter completed the admissions with.
   */
  private static final int SERVER_ERRORS_MAX = 100_000;

  @Parameter Container container;

  private static final ManualClock CLOCK = ManualClock.at(Instant.parse("2030-01-01T00:00:00Z"));
  private static RateLimiter limiter;
  private static TestServer server;

  @BeforeParameterizedClassInvocation
  static void start(Container container) throws Exception {
    RateLimitConfig config =
        RateLimitConfig.builder()
            .environment(Map.of())
            .systemProperties(Map.of())
            .set("ratelimit.url.policies", "mixed, server-errors")
            .set("ratelimit.url.mixed.kind", "concurrency")
            .set("ratelimit.url.mixed.pattern", "/mixed/*")
            .set("ratelimit.url.mixed.max", String.valueOf(MIXED_MAX))
            .set("ratelimit.url.mixed.key", "global")
            .set("ratelimit.url.server-errors.pattern", "/mixed/*, /count/*")
            .set("ratelimit.url.server-errors.window", "1h")
            .set("ratelimit.url.server-errors.max", String.valueOf(SERVER_ERRORS_MAX))
            .set("ratelimit.url.server-errors.key", "header:X-Run")
            .set("ratelimit.url.server-errors.count-on", "5xx")
            .build();
    limiter =
        RateLimiter.builder()
            .store(CaffeineStore.builder().clock(CLOCK).build())
            .clock(CLOCK)
            .config(config)
            .build();
    server =
        container.start(
            Webapp.at("/")
                .filter("rate-limit", new RateLimitFilter(limiter, HttpContract.from(config)), "/*")
                .servlet(AdmissionServlets.Held.class, "/held")
                .asyncServlet(AdmissionServlets.Mixed.class, "/mixed/*", "/count/*"));
  }

  @AfterParameterizedClassInvocation
  static void stop() throws Exception {
    try {
      server.close();
    } finally {
      limiter.close();
    }
  }

  @BeforeEach
  void nothingInFlight() {
    awaitInFlight(0);
  }

  /**
   * Sixteen requests at once on {@code @ConcurrencyLimit(max = 3)}: exactly three are let in while
   * they are held, the thirteen others are refused at once with 429 and {@code Retry-After: 1};
   * once released, the three complete and give their slots back.
   */
  @Test
  void exactlyMaxAreLetInWhileHeldAndTheRestAreRefusedAtOnce() throws Exception {
    int clients = 16;
    AdmissionServlets.Held.entered.set(0);
    CountDownLatch release = new CountDownLatch(1);
    AdmissionServlets.Held.release = release;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return server.get("/held");
                }));
      }
      go.countDown();
      List<HttpResponse<String>> refused = new ArrayList<>();
      List<Future<HttpResponse<String>>> pending = new ArrayList<>(answers);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (refused.size() < clients - 3 && System.nanoTime() < deadline) {
        for (Iterator<Future<HttpResponse<String>>> it = pending.iterator(); it.hasNext(); ) {
          Future<HttpResponse<String>> answer = it.next();
          if (answer.isDone()) {
            refused.add(answer.get());
            it.remove();
          }
        }
        Thread.sleep(5);
      }

      assertThat(refused).hasSize(clients - 3);
      await(() -> AdmissionServlets.Held.entered.get() == 3);
      assertThat(refused)
          .allSatisfy(
              response -> {
                assertThat(response.statusCode()).isEqualTo(429);
                assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(response.headers().firstValue("X-RateLimit-Policy")).hasValue("held");
                assertThat(response.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
              });
      assertThat(AdmissionServlets.Held.entered).hasValue(3);
      assertThat(pending).hasSize(3).noneMatch(Future::isDone);
      assertThat(limiter.inFlight()).isEqualTo(3);

      release.countDown();
      for (Future<HttpResponse<String>> answer : pending) {
        HttpResponse<String> response = answer.get(15, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("held");
      }
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
    awaitInFlight(0);
    HttpResponse<String> after = server.get("/held");
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.headers().firstValue("X-RateLimit-Remaining")).hasValue("2");
  }

  /**
   * Two thousand requests from four clients over every way a response ends on the request thread or
   * another: each gets the status it should, and afterwards no slot is held.
   */
  @Test
  void thousandsOfMixedResponsesLeaveNoSlotHeld() throws Exception {
    // per hundred requests: the kind, its weight and the status it answers
    Object[][] table = {
      {"ok", 34, 200},
      {"204", 5, 204},
      {"404", 10, 404},
      {"500", 10, 500},
      {"async", 15, 200},
      {"async-503", 10, 503},
      {"dispatch", 15, 200},
      {"throw", 1, 500}, // one in a hundred: each one logs a stack trace
    };
    List<String> kinds = new ArrayList<>();
    Map<String, Integer> expected = new HashMap<>();
    for (Object[] row : table) {
      kinds.addAll(Collections.nCopies((Integer) row[1], (String) row[0]));
      expected.put((String) row[0], (Integer) row[2]);
    }
    Collections.shuffle(kinds, new Random(13));
    int requests = 2000;
    int clients = 4;
    Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    List<String> wrong = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger next = new AtomicInteger();
    List<Callable<Void>> workers = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      workers.add(
          () -> {
            for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
              String kind = kinds.get(i % kinds.size());
              HttpResponse<String> response = server.get("/mixed/" + kind, "X-Run", "mixed");
              seen.computeIfAbsent(kind + " " + response.statusCode(), k -> new AtomicInteger())
                  .incrementAndGet();
              if (response.statusCode() != expected.get(kind)) {
                wrong.add(kind + " answered " + response.statusCode() + ": " + response.body());
              }
            }
            return null;
          });
    }
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      for (Future<Void> done : pool.invokeAll(workers, 120, TimeUnit.SECONDS)) {
        done.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(wrong).isEmpty();
    Map<String, Integer> counts = new TreeMap<>();
    seen.forEach((k, v) -> counts.put(k, v.get()));
    Map<String, Integer> wanted = new TreeMap<>();
    for (Object[] row : table) {
      wanted.put(row[0] + " " + row[2], (Integer) row[1] * requests / 100);
    }
    assertThat(counts).isEqualTo(wanted);
    awaitInFlight(0);
    assertServerErrors("mixed", 200 + 200 + 20); // sendError(500), async 503, exceptions
    assertRemaining(MIXED_MAX - 1);
  }

  /**
   * Asynchronous requests that time out (50 ms; Tomcat looks for timeouts once a second): those
   * that nobody completes the container answers with 500, those whose own listener answers the
   * timeout get its 503, and all give their slots back.
   */
  @Test
  void asyncTimeoutsGiveTheirSlotsBack() throws Exception {
    int requests = 40;
    ExecutorService pool = Executors.newFixedThreadPool(requests);
    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < requests; i++) {
        String kind = i % 2 == 0 ? "timeout" : "timeout-503";
        answers.add(pool.submit(() -> server.get("/mixed/" + kind, "X-Run", "timeouts")));
      }
      for (int i = 0; i < requests; i++) {
        assertThat(answers.get(i).get(30, TimeUnit.SECONDS).statusCode())
            .isEqualTo(i % 2 == 0 ? 500 : 503);
      }
    } finally {
      pool.shutdownNow();
    }

    awaitInFlight(0);
    assertServerErrors("timeouts", requests);
    assertRemaining(MIXED_MAX - 1);
  }

  /**
   * Clients that go away (a reset connection) in the middle of a response that a servlet writes on
   * the request thread (and then returns, or throws), and of one it writes asynchronously: the
   * servlet's next write fails, and each request gives its slot back. The responses were committed
   * with 200, which the client has, and which is what their admissions are completed with, the one
   * that threw included.
   */
  @Test
  void clientsThatGoAwayGiveTheirSlotsBack() throws Exception {
    AdmissionServlets.Mixed.abandoned.set(0);
    int each = 10;
    for (int i = 0; i < each; i++) {
      for (String kind : List.of("slow", "slow-throw", "slow-async")) {
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
          socket.setSoTimeout(10_000);
          socket
              .getOutputStream()
              .write(
                  ("GET /mixed/" + kind + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Run: gone\r\n\r\n")
                      .getBytes(StandardCharsets.ISO_8859_1));
          assertThat(statusLine(socket.getInputStream())).startsWith("HTTP/1.1 200");
          assertThat(limiter.inFlight()).as("%s, request %d, in flight", kind, i).isEqualTo(1);
          socket.setSoLinger(true, 0); // close with a reset, as a client that crashed
        }
        awaitInFlight(0);
      }
    }

    assertThat(AdmissionServlets.Mixed.abandoned).hasValue(3 * each);
    assertServerErrors("gone", 0);
    assertRemaining(MIXED_MAX - 1);
  }

  private static String statusLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
      line.append((char) c);
    }
    return line.toString().strip();
  }

  /**
   * Asserts that {@code count} responses of the run were completed with a 5xx status: the units the
   * limit that counts 5xx only holds for it, read from a request that only that limit sees.
   */
  private static void assertServerErrors(String run, int count) throws Exception {
    HttpResponse<String> probe = server.get("/count/ok", "X-Run", run);
    assertThat(probe.statusCode()).isEqualTo(200);
    assertThat(probe.headers().firstValue("X-RateLimit-Policy")).hasValue("server-errors");
    assertThat(probe.headers().firstValue("X-RateLimit-Remaining"))
        .hasValue(String.valueOf(SERVER_ERRORS_MAX - count - 1)); // the probe's own unit
  }

  private static void assertRemaining(int remaining) throws Exception {
    HttpResponse<String> last = server.get("/mixed/ok", "X-Run", "last");
    assertThat(last.statusCode()).isEqualTo(200);
    assertThat(last.headers().firstValue("X-RateLimit-Policy")).hasValue("mixed");
    assertThat(last.headers().firstValue("X-RateLimit-Remaining"))
        .hasValue(String.valueOf(remaining));
  }

  /**
   * Waits, at most 10 seconds, for {@link RateLimiter#inFlight()} to be {@code expected}: a
   * response can reach the client a moment before the container tells the filter it is complete.
   */
  private static void awaitInFlight(int expected) {
    await(() -> limiter.inFlight() == expected);
    assertThat(limiter.inFlight()).as("requests holding slots").isEqualTo(expected);
  }

  static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
