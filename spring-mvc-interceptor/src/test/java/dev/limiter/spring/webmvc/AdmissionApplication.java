/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.webmvc;

import dev.limiter.Admission;
import dev.limiter.Decision;
import dev.limiter.LimitResolver;
import dev.limiter.ManualClock;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimiter;
import dev.limiter.annotation.ConcurrencyLimit;
import dev.limiter.annotation.IdempotencyKey;
import dev.limiter.annotation.RateLimit;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.http.HeaderDialect;
import dev.limiter.http.HttpContract;
import dev.limiter.http.RejectionHandler;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * A plain Spring MVC application with the limits that need the end of the response: requests in
 * flight, limits by outcome, refunds and charges from the handler, idempotent retries, exemptions,
 * and anonymous-or-keyed limits on one handler. Its own store, on its own {@link ManualClock}.
 */
final class AdmissionApplication {

  private AdmissionApplication() {}

  /** API keys in {@code ratelimit.exempt.api-keys}: no limit applies to them. */
  static final String VIP = "vip-key";

  /** API keys that {@link LimitResolver#UNLIMITED} exempts, by the resolver. */
  static final String UNLIMITED_PREFIX = "ops-";

  @Configuration
  @EnableWebMvc
  @Import({
    HeldController.class,
    MixedController.class,
    AccountController.class,
    OutcomeController.class,
    OpenController.class
  })
  static class WebConfig implements WebMvcConfigurer {

    @Bean
    ManualClock clock() {
      return ManualClock.at(Instant.parse("2026-03-01T10:00:00Z"));
    }

    @Bean(destroyMethod = "close")
    RateLimiter rateLimiter() {
      RateLimitConfig config =
          RateLimitConfig.builder()
              .environment(Map.of())
              .systemProperties(Map.of())
              .set("ratelimit.trusted-proxies", "127.0.0.1")
              .set("ratelimit.exempt.api-keys", VIP)
              .build();
      return RateLimiter.builder()
          .store(CaffeineStore.builder().clock(clock()).build())
          .clock(clock())
          .config(config)
          .limitResolver(
              (policy, key) ->
                  key.startsWith(UNLIMITED_PREFIX) ? LimitResolver.UNLIMITED : policy.max())
          .build();
    }

    @Bean
    RateLimitInterceptor rateLimitInterceptor() {
      return new RateLimitInterceptor(
          rateLimiter(), HttpContract.of(HeaderDialect.BOTH, RejectionHandler.problemJson()));
    }

    /** One thread for every Callable: a thread that ran a limited one then runs an open one. */
    @Bean(destroyMethod = "shutdown")
    ThreadPoolTaskExecutor asyncExecutor() {
      ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
      executor.setCorePoolSize(1);
      executor.setMaxPoolSize(1);
      executor.setThreadNamePrefix("mvc-async-");
      executor.initialize();
      return executor;
    }

    @Override
    public void configureAsyncSupport(AsyncSupportConfigurer configurer) {
      configurer.setTaskExecutor(asyncExecutor());
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
      registry.addInterceptor(rateLimitInterceptor());
    }
  }

  /** Whether the current admission is the one the interceptor put on the request. */
  static String sameAdmission(HttpServletRequest request) {
    Object attribute = request.getAttribute(Admission.ATTRIBUTE);
    return Admission.current().map(a -> a == attribute ? "same" : "other").orElse("none");
  }

  /** Handlers that hold their slots until the test lets them go. */
  @RestController
  static class HeldController {
    final AtomicInteger entered = new AtomicInteger();
    volatile CountDownLatch release = new CountDownLatch(0);
    final BlockingQueue<DeferredResult<String>> pending = new LinkedBlockingQueue<>();

    @GetMapping("/held")
    @ConcurrencyLimit(name = "held", max = 3, key = "apiKey")
    String held() throws InterruptedException {
      entered.incrementAndGet();
      if (!release.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never released the handler");
      }
      return "held";
    }

    /** Completed by the test, from its own thread. */
    @GetMapping("/held-deferred")
    @ConcurrencyLimit(name = "held-deferred", max = 2, key = "apiKey")
    DeferredResult<String> heldDeferred() {
      DeferredResult<String> result = new DeferredResult<>(30_000L);
      pending.add(result);
      return result;
    }
  }

  /** Answers 401 unless the password is {@code secret}, 403 for {@code locked}. */
  @RestController
  static class AccountController {

    @PostMapping("/login")
    @RateLimit(name = "login", window = "1m", max = 5, key = "ip", countOn = "401,403")
    ResponseEntity<String> login(@RequestParam("password") String password) {
      return switch (password) {
        case "secret" -> ResponseEntity.ok("welcome");
        case "locked" -> ResponseEntity.status(403).body("locked");
        default -> ResponseEntity.status(401).body("wrong");
      };
    }

    /** Charges the tokens beyond the first, which the request's own cost took. */
    @GetMapping("/generate")
    @RateLimit(name = "tokens", window = "1m", max = 100, key = "apiKey")
    String generate(@RequestParam("tokens") long tokens, HttpServletRequest request) {
      Admission admission = Admission.current().orElseThrow();
      long charged = tokens > 1 ? admission.charge("tokens", tokens - 1) : 0;
      return "charged:" + charged + ":" + sameAdmission(request);
    }

    /** As {@link #generate}, from the thread that runs the Callable. */
    @GetMapping("/generate-later")
    @RateLimit(name = "tokens", window = "1m", max = 100, key = "apiKey")
    Callable<String> generateLater(@RequestParam("tokens") long tokens) {
      return () -> {
        Admission admission = Admission.current().orElseThrow();
        return "charged:" + admission.charge("tokens", tokens - 1);
      };
    }

    @GetMapping("/refundable")
    @RateLimit(name = "refundable", window = "1m", max = 3, key = "apiKey")
    String refundable(@RequestParam("refund") boolean refund) {
      if (!refund) {
        return "kept";
      }
      Admission.current().orElseThrow().refund(); // what it returns is the engine's to change
      return "refunded";
    }

    @PostMapping("/send")
    @IdempotencyKey(window = "1h")
    @RateLimit(name = "send", window = "1m", max = 2, key = "apiKey")
    String send() {
      return "sent";
    }

    /** Exempt callers run with an admission that applied no limit. */
    @GetMapping("/exemptable")
    @RateLimit(name = "exemptable", window = "1m", max = 2, key = "apiKey")
    @ConcurrencyLimit(name = "exemptable-flight", max = 1, key = "apiKey")
    String exemptable() {
      return Admission.current()
          .map(a -> a.outcome() instanceof Decision d && d.exempt() ? "exempt" : "limited")
          .orElse("none");
    }

    /** Anonymous callers by address; callers with a key or a bearer token by that. */
    @GetMapping("/quote")
    @RateLimit(
        name = "quote-anonymous",
        window = "1m",
        max = 2,
        key = "ip",
        unless = "apiKey|bearer")
    @RateLimit(name = "quote-keyed", window = "1m", max = 3, key = "apiKey|bearer", optional = true)
    String quote() {
      return "quote";
    }
  }

  /** Limits whose count depends on how the response ended. */
  @RestController
  static class OutcomeController {

    /** Server errors are not the caller's fault: they give their unit back. */
    @GetMapping("/flaky")
    @RateLimit(name = "flaky", window = "1m", max = 2, key = "apiKey", countOn = "!5xx")
    String flaky(@RequestParam("fail") String fail) {
      return switch (fail) {
        case "unhandled" -> throw new IllegalStateException("flaky, unhandled");
        case "unavailable" ->
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable");
        default -> "fine";
      };
    }

    /** Only reports delivered count; one that times out (Spring's 503) gives its unit back. */
    @GetMapping("/report")
    @RateLimit(name = "report", window = "1m", max = 2, key = "apiKey", countOn = "2xx")
    DeferredResult<String> report(@RequestParam("ready") boolean ready) {
      DeferredResult<String> result = new DeferredResult<>(SHORT_TIMEOUT.toMillis());
      if (ready) {
        result.setResult("report");
      }
      return result;
    }
  }

  /** No limits: what a thread shows after it served limited requests. */
  @RestController
  static class OpenController {
    @GetMapping("/open")
    String open() {
      return "current:" + Admission.current().isPresent();
    }

    @GetMapping("/open-later")
    Callable<String> openLater() {
      return () -> "current:" + Admission.current().isPresent();
    }
  }

  /** How long a DeferredResult that nobody completes waits: Spring then answers 503. */
  static final Duration SHORT_TIMEOUT = Duration.ofMillis(50);
}
