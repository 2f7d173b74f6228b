/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.webmvc;

import dev.limiter.ManualClock;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimiter;
import dev.limiter.annotation.RateLimit;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.http.HeaderDialect;
import dev.limiter.http.HttpContract;
import dev.limiter.http.RejectionHandler;
import dev.limiter.spi.RateLimitStore;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * A plain Spring MVC application (no Spring Boot) registering the interceptor as its javadoc says,
 * and the servlets the servlet filter limits with the same policies, for the byte comparison.
 */
final class TestApplication {

  /** The clock of both adapters' stores: the same instant gives the same reset times. */
  static final ManualClock CLOCK = ManualClock.at(Instant.parse("2026-03-01T10:00:00.250Z"));

  /** The contract of both adapters: every field of both dialects. */
  static HttpContract contract() {
    return HttpContract.of(HeaderDialect.BOTH, RejectionHandler.problemJson());
  }

  /** Configuration from code alone: the machine's environment and system properties stay out. */
  static RateLimitConfig config() {
    return RateLimitConfig.builder()
        .environment(Map.of())
        .systemProperties(Map.of())
        .set("ratelimit.trusted-proxies", "127.0.0.1")
        .build();
  }

  static RateLimitStore store() {
    return new DownForSomeKeys(CaffeineStore.builder().clock(CLOCK).build());
  }

  private TestApplication() {}

  @Configuration
  @EnableWebMvc
  @Import({CompareController.class, ApiController.class, KeysController.class})
  static class WebConfig implements WebMvcConfigurer {

    @Bean
    RateLimitStore rateLimitStore() {
      return store();
    }

    @Bean
    RateLimiter rateLimiter() {
      return RateLimiter.builder().store(rateLimitStore()).config(config()).build();
    }

    @Bean
    RateLimitInterceptor rateLimitInterceptor() {
      return new RateLimitInterceptor(rateLimiter(), contract());
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
      registry.addInterceptor(rateLimitInterceptor());
    }
  }

  /** The Spring side of the comparison with the servlet filter. */
  @RestController
  static class CompareController {
    @GetMapping("/compare")
    @RateLimit(name = "compare", window = "1m", max = 2, key = "apiKey")
    String compare() {
      return "ok";
    }

    @GetMapping("/compare-tenant")
    @RateLimit(name = "compare-tenant", window = "1m", max = 2, key = "header:X-Tenant")
    String tenant() {
      return "ok";
    }
  }

  /** The servlet side: the same policies on servlet classes. */
  @RateLimit(name = "compare", window = "1m", max = 2, key = "apiKey")
  static class CompareServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.setContentType("text/plain;charset=UTF-8");
      response.getOutputStream().write("ok".getBytes(StandardCharsets.UTF_8));
    }
  }

  @RateLimit(name = "compare-tenant", window = "1m", max = 2, key = "header:X-Tenant")
  static class TenantServlet extends CompareServlet {
    private static final long serialVersionUID = 1L;
  }

  /** A class limit on every method, beside the methods' own. */
  @RestController
  @RequestMapping("/api")
  @RateLimit(name = "api", window = "1m", max = 3, key = "apiKey")
  static class ApiController {
    @GetMapping("/a")
    @RateLimit(name = "api-a", window = "1m", max = 10, key = "apiKey")
    String a() {
      return "a";
    }

    @GetMapping("/b")
    String b() {
      return "b";
    }
  }

  @RestController
  static class KeysController {
    @GetMapping("/items/{id}")
    @RateLimit(name = "item", window = "1m", max = 1, key = "path:id")
    String item(@PathVariable("id") String id) {
      return id;
    }

    @GetMapping("/search")
    @RateLimit(name = "search", window = "1m", max = 1, key = "query:q")
    String search() {
      return "found";
    }

    @GetMapping("/ip")
    @RateLimit(name = "ip", window = "1m", max = 1, key = "ip")
    String ip() {
      return "ip";
    }

    @GetMapping("/me")
    @RateLimit(name = "me", window = "1m", max = 1, key = "principal")
    String me() {
      return "me";
    }

    @GetMapping("/shared/x")
    @RateLimit(name = "shared", window = "1m", max = 2, key = "apiKey")
    String sharedX() {
      return "x";
    }

    @GetMapping("/shared/y")
    @RateLimit(name = "shared", window = "1m", max = 2, key = "apiKey")
    String sharedY() {
      return "y";
    }

    @GetMapping("/async")
    @RateLimit(name = "async", window = "1m", max = 2, key = "apiKey")
    Callable<String> async() {
      return () -> "later";
    }

    @GetMapping("/open")
    String open() {
      return "open";
    }
  }
}
