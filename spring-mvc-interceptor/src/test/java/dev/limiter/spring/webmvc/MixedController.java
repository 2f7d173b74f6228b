/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.webmvc;

import dev.limiter.annotation.ConcurrencyLimit;
import jakarta.annotation.PreDestroy;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.context.request.async.WebAsyncTask;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * Every way a Spring MVC response ends, under one limit on requests in flight: each handler's slot
 * must come back, however its response ends.
 */
@RestController
@RequestMapping("/mixed")
@ConcurrencyLimit(name = "mixed", max = MixedController.MAX, key = "apiKey")
class MixedController {

  static final int MAX = 64;

  /**
   * 64 KiB a write, 64 MiB at most: more than any socket buffers, so a write to a gone client
   * fails.
   */
  private static final byte[] CHUNK = new byte[64 * 1024];

  private static final int CHUNKS = 1024;

  private final ExecutorService completer = Executors.newFixedThreadPool(2);

  @PreDestroy
  void stop() {
    completer.shutdownNow();
  }

  /** Mapped by the {@link #conflict} handler. */
  static final class Conflict extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Conflict() {
      super("conflict");
    }
  }

  @ExceptionHandler(Conflict.class)
  ResponseEntity<String> conflict(Conflict e) {
    return ResponseEntity.status(HttpStatus.CONFLICT).body(e.getMessage());
  }

  @GetMapping("/ok")
  String ok(HttpServletRequest request) {
    return "ok:" + AdmissionApplication.sameAdmission(request);
  }

  @GetMapping("/boom")
  String boom() {
    throw new IllegalStateException("boom, unhandled");
  }

  @GetMapping("/mapped")
  String mapped() {
    throw new Conflict();
  }

  @GetMapping("/missing")
  String missing() {
    throw new ResponseStatusException(HttpStatus.NOT_FOUND, "missing");
  }

  @GetMapping("/unavailable")
  String unavailable() {
    throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable");
  }

  @GetMapping("/callable")
  Callable<String> callable(HttpServletRequest request) {
    Object admission = request.getAttribute(dev.limiter.Admission.ATTRIBUTE);
    return () ->
        "callable:" + dev.limiter.Admission.current().map(a -> a == admission).orElse(false);
  }

  @GetMapping("/callable-boom")
  Callable<String> callableBoom() {
    return () -> {
      throw new IllegalStateException("boom in a Callable, unhandled");
    };
  }

  @GetMapping("/task")
  WebAsyncTask<String> task() {
    return new WebAsyncTask<>(10_000L, () -> "task");
  }

  @GetMapping("/deferred")
  DeferredResult<String> deferred() {
    DeferredResult<String> result = new DeferredResult<>(10_000L);
    completer.execute(() -> result.setResult("deferred"));
    return result;
  }

  /** Never completed: Spring answers its timeout with 503. */
  @GetMapping("/timeout")
  DeferredResult<String> timeout() {
    return new DeferredResult<>(AdmissionApplication.SHORT_TIMEOUT.toMillis());
  }

  @GetMapping("/future")
  CompletableFuture<String> future() {
    return CompletableFuture.supplyAsync(() -> "future", completer);
  }

  @GetMapping("/future-failed")
  CompletableFuture<String> futureFailed() {
    return CompletableFuture.supplyAsync(
        () -> {
          throw new ResponseStatusException(HttpStatus.BAD_GATEWAY, "upstream");
        },
        completer);
  }

  /** Writes until the client, gone after the status line, makes a write fail. */
  @GetMapping("/stream")
  void stream(HttpServletResponse response) throws IOException {
    response.setContentType("application/octet-stream");
    OutputStream out = response.getOutputStream();
    for (int i = 0; i < CHUNKS; i++) {
      out.write(CHUNK);
      out.flush();
    }
  }

  /** As {@link #stream}, asynchronously. */
  @GetMapping("/stream-later")
  ResponseEntity<StreamingResponseBody> streamLater() {
    StreamingResponseBody body =
        out -> {
          for (int i = 0; i < CHUNKS; i++) {
            out.write(CHUNK);
            out.flush();
          }
        };
    return ResponseEntity.ok().header("Content-Type", "application/octet-stream").body(body);
  }
}
