/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.webmvc;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.RateLimiter;
import dev.limiter.testing.RawHttp;
import dev.limiter.testing.RawHttp.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Thousands of requests that end every way a Spring MVC response can end, under one limit on
 * requests in flight, from several clients at once: afterwards no slot is held, and the next
 * request finds every slot but its own.
 */
class CompletionTest {

  /** Each way to end, with the status the client sees; -1 for a client that hangs up. */
  private static final Map<String, Integer> ENDINGS = endings();

  private static Map<String, Integer> endings() {
    Map<String, Integer> endings = new TreeMap<>();
    endings.put("/mixed/ok", 200);
    endings.put("/mixed/boom", 500); // unhandled: Tomcat answers 500
    endings.put("/mixed/mapped", 409); // @ExceptionHandler
    endings.put("/mixed/missing", 404); // ResponseStatusException, 4xx
    endings.put("/mixed/unavailable", 503); // ResponseStatusException, 5xx
    endings.put("/mixed/callable", 200);
    endings.put("/mixed/callable-boom", 500);
    endings.put("/mixed/task", 200);
    endings.put("/mixed/deferred", 200); // completed from another thread
    endings.put("/mixed/timeout", 503); // never completed: Spring's timeout answer
    endings.put("/mixed/future", 200);
    endings.put("/mixed/future-failed", 502);
    endings.put("/mixed/stream", -1); // the client hangs up after the status line
    endings.put("/mixed/stream-later", -1);
    return endings;
  }

  private static final int REQUESTS = 2000;
  private static final int CLIENTS = 16;
  private static final String KEY = "X-API-Key: mixed-1";

  /**
   * Quiet while this runs, kept so that their levels hold: Tomcat logs every unhandled exception
   * with its trace, Spring every timeout.
   */
  private static final List<Logger> QUIET =
      List.of(
          Logger.getLogger(
              "org.apache.catalina.core.ContainerBase.[Tomcat].[localhost].[/].[dispatcher]"),
          Logger.getLogger(
              "org.springframework.web.servlet.mvc.support.DefaultHandlerExceptionResolver"));

  private static MvcTomcat server;
  private static RateLimiter limiter;
  private static int port;

  @BeforeAll
  static void start() {
    server = new MvcTomcat(AdmissionApplication.WebConfig.class).start();
    QUIET.forEach(logger -> logger.setLevel(Level.OFF));
    port = server.port();
    limiter = server.spring().getBean(RateLimiter.class);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    QUIET.forEach(logger -> logger.setLevel(null));
  }

  /** Sends a request, reads the status line and hangs up with a reset, the rest unread. */
  private static int statusThenHangUp(String target) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 5_000);
      socket.setSoTimeout(10_000);
      String head = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + KEY + "\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(ISO_8859_1));
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
        line.append((char) c);
      }
      socket.setSoLinger(true, 0);
      assertThat(line.toString()).startsWith("HTTP/1.1 ");
      return Integer.parseInt(line.substring(9, 12));
    }
  }

  @Test
  void everyResponseGivesItsSlotBackHoweverItEnds() throws Exception {
    List<String> targets = new ArrayList<>(ENDINGS.keySet());
    AtomicInteger next = new AtomicInteger();
    Map<String, Map<Integer, LongAdder>> seen = new ConcurrentHashMap<>();
    Map<String, LongAdder> took = new ConcurrentHashMap<>();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    long started = System.nanoTime();
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        running.add(
            clients.submit(
                () -> {
                  for (int i = next.getAndIncrement(); i < REQUESTS; i = next.getAndIncrement()) {
                    String target = targets.get(i % targets.size());
                    long begun = System.nanoTime();
                    int status;
                    if (ENDINGS.get(target) == -1) {
                      status = statusThenHangUp(target);
                    } else {
                      Reply reply =
                          RawHttp.exchange(port, "GET " + target + " HTTP/1.1\r\n" + KEY + "\r\n");
                      status = reply.status();
                      if (target.equals("/mixed/callable")
                          && !reply.body().equals("callable:true")) {
                        status = -2; // the Callable did not see the request's admission
                      }
                    }
                    took.computeIfAbsent(target, t -> new LongAdder())
                        .add(System.nanoTime() - begun);
                    seen.computeIfAbsent(target, t -> new ConcurrentHashMap<>())
                        .computeIfAbsent(status, s -> new LongAdder())
                        .increment();
                  }
                  return null;
                }));
      }
      for (Future<?> client : running) {
        client.get(120, SECONDS);
      }
    } finally {
      clients.shutdownNow();
    }
    long sent = System.nanoTime();
    for (String target : targets) {
      int expected = ENDINGS.get(target) == -1 ? 200 : ENDINGS.get(target);
      int count =
          REQUESTS / targets.size() + (targets.indexOf(target) < REQUESTS % targets.size() ? 1 : 0);
      assertThat(seen.get(target)).as(target).containsOnlyKeys(expected);
      assertThat(seen.get(target).get(expected).sum()).as(target).isEqualTo((long) count);
    }
    AdmissionTest.await(
        () -> limiter.inFlight() == 0,
        () -> "every slot given back; in flight: " + limiter.inFlight() + ", answers: " + seen);
    System.out.printf(
        "CompletionTest: %d requests in %d ms, in flight 0 %d ms after the last answer%n",
        REQUESTS, (sent - started) / 1_000_000, (System.nanoTime() - sent) / 1_000_000);
    for (String target : targets) {
      System.out.printf(
          "CompletionTest: %s %s, %d ms on average%n",
          target,
          seen.get(target),
          took.get(target).sum() / 1_000_000 / (REQUESTS / targets.size()));
    }
    Reply last = RawHttp.exchange(port, "GET /mixed/ok HTTP/1.1\r\n" + KEY + "\r\n");
    assertThat(last.status()).isEqualTo(200);
    assertThat(last.body()).isEqualTo("ok:same");
    assertThat(last.values("X-RateLimit-Remaining"))
        .containsExactly(Integer.toString(MixedController.MAX - 1));
  }
}
