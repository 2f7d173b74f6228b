/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.webmvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.RateLimiter;
import dev.limiter.annotation.RateLimit;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.http.HttpContract;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The interceptor reads every handler method's annotations when the context starts: a bad one fails
 * the start, naming the class, the method and the attribute. Real Spring contexts with a real
 * {@link RequestMappingHandlerMapping}; no server needed.
 */
class StartupTest {

  @Configuration
  static class Base {
    @Bean
    RequestMappingHandlerMapping requestMappingHandlerMapping() {
      return new RequestMappingHandlerMapping();
    }

    @Bean(destroyMethod = "close")
    RateLimiter rateLimiter() {
      return RateLimiter.builder()
          .store(CaffeineStore.ofDefaults())
          .config(TestApplication.config())
          .build();
    }

    @Bean
    RateLimitInterceptor rateLimitInterceptor(RateLimiter rateLimiter) {
      return new RateLimitInterceptor(rateLimiter, HttpContract.from(rateLimiter.config()));
    }
  }

  @RestController
  static class BadWindow {
    @GetMapping("/reports")
    @RateLimit(name = "reports", window = "60x", max = 5, key = "apiKey")
    String reports() {
      return "";
    }
  }

  @RestController
  @RequestMapping("/users/{userId}")
  static class UnboundPath {
    @GetMapping("/orders/{orderId}")
    @RateLimit(name = "orders", window = "1m", max = 5, key = "path:OrderId")
    String orders() {
      return "";
    }
  }

  @RestController
  static class PathOnOnePatternOnly {
    @GetMapping({"/things/{id}", "/things"})
    @RateLimit(name = "things", window = "1m", max = 5, key = "path:id")
    String things() {
      return "";
    }
  }

  @RestController
  @RateLimit(window = "1m", max = 0, key = "ip")
  static class BadClassLimit {
    @GetMapping("/bad-class")
    String get() {
      return "";
    }
  }

  @RestController
  static class SharedNameDisagrees {
    @GetMapping("/one")
    @RateLimit(name = "tenant", window = "1m", max = 5, key = "ip")
    String one() {
      return "";
    }

    @GetMapping("/two")
    @RateLimit(name = "tenant", window = "1m", max = 5, key = "header:X-Tenant")
    String two() {
      return "";
    }
  }

  @RestController
  @RequestMapping("/users/{userId}")
  static class Good {
    @GetMapping({"/a/{id}", "/b/{id}/{*rest}"})
    @RateLimit(name = "good", window = "1m", max = 5, key = "path:userId+path:id")
    String get() {
      return "";
    }
  }

  private static AnnotationConfigApplicationContext context(Class<?> controller) {
    AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    context.register(Base.class, controller);
    return context;
  }

  @Test
  void anInvalidAttributeFailsTheStartNamingClassMethodAndAttribute() {
    try (AnnotationConfigApplicationContext context = context(BadWindow.class)) {
      assertThatThrownBy(context::refresh)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("RateLimitInterceptor cannot start: Invalid @RateLimit on ")
          .hasMessageContaining(BadWindow.class.getName() + "#reports")
          .hasMessageContaining("attribute window")
          .hasMessageContaining("\"60x\"");
      assertThat(context.isActive()).isFalse();
    }
  }

  @Test
  void aClassLimitIsCheckedForEachMethod() {
    try (AnnotationConfigApplicationContext context = context(BadClassLimit.class)) {
      assertThatThrownBy(context::refresh)
          .hasMessageContaining(BadClassLimit.class.getName())
          .hasMessageContaining("attribute max");
    }
  }

  @Test
  void aPathKeyOnAVariableThePatternDoesNotBindFailsTheStart() {
    try (AnnotationConfigApplicationContext context = context(UnboundPath.class)) {
      assertThatThrownBy(context::refresh)
          .hasMessageContaining(UnboundPath.class.getName() + "#orders")
          .hasMessageContaining("attribute key")
          .hasMessageContaining("path:OrderId is not a parameter")
          .hasMessageContaining("{userId}, {orderId}");
    }
  }

  @Test
  void aPathKeyMustBeBoundByEveryPatternOfTheMethod() {
    try (AnnotationConfigApplicationContext context = context(PathOnOnePatternOnly.class)) {
      assertThatThrownBy(context::refresh)
          .hasMessageContaining(PathOnOnePatternOnly.class.getName() + "#things")
          .hasMessageContaining("path:id")
          .hasMessageContaining("mapped to several paths has those that every one of them binds");
    }
  }

  @Test
  void aSharedNameWithDifferentKeysFailsNamingBothPlaces() {
    try (AnnotationConfigApplicationContext context = context(SharedNameDisagrees.class)) {
      assertThatThrownBy(context::refresh)
          .hasMessageContaining("policy \"tenant\" is declared as")
          .hasMessageContaining("#one")
          .hasMessageContaining("#two");
    }
  }

  @Test
  void validAnnotationsStartAndClassPatternsBindVariablesToo() {
    try (AnnotationConfigApplicationContext context = context(Good.class)) {
      context.refresh();
      assertThat(context.getBean(RateLimitInterceptor.class).toString()).contains("handlers=1");
    }
  }
}
