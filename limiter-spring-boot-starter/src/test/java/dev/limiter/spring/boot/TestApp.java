/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.boot;

import dev.limiter.LimitResolver;
import dev.limiter.annotation.RateLimit;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot application as a user writes one: the starter on the class path, controllers with
 * {@code @RateLimit}, Spring Security with HTTP basic, and a {@link LimitResolver} bean (plan
 * tiers).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({
  TestApp.Security.class,
  TestApp.Limited.class,
  TestApp.ClassLimited.class,
  TestApp.Open.class
})
class TestApp {

  /** Keys that start with {@code gold-} get ten times every limit. */
  @Bean
  LimitResolver planTiers() {
    return (policy, key) -> key.startsWith("gold-") ? policy.max() * 10 : policy.max();
  }

  @Configuration(proxyBeanMethods = false)
  static class Security {
    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
      http.authorizeHttpRequests(
              requests ->
                  requests.requestMatchers("/secure/**").authenticated().anyRequest().permitAll())
          .httpBasic(Customizer.withDefaults())
          .csrf(csrf -> csrf.disable());
      return http.build();
    }

    @Bean
    UserDetailsService users() {
      return new InMemoryUserDetailsManager(
          User.withUsername("alice").password("{noop}alice-secret").roles("USER").build(),
          User.withUsername("bob").password("{noop}bob-secret").roles("USER").build());
    }
  }

  @RestController
  static class Limited {
    @GetMapping("/count")
    @RateLimit(name = "count", window = "1h", max = 50, key = "apiKey")
    String count() {
      return "counted";
    }

    @GetMapping("/users/{userId}/orders")
    @RateLimit(name = "user-orders", window = "1h", max = 1, key = "path:userId")
    String orders(@PathVariable("userId") String userId) {
      return userId;
    }

    @GetMapping("/overridden")
    @RateLimit(name = "overridden", window = "1h", max = 100, key = "apiKey")
    String overridden() {
      return "overridden";
    }

    @GetMapping("/profiled")
    @RateLimit(name = "profiled", window = "1h", max = 100, key = "apiKey")
    String profiled() {
      return "profiled";
    }

    @GetMapping("/yamled")
    @RateLimit(name = "yamled", window = "1h", max = 100, key = "apiKey")
    String yamled() {
      return "yamled";
    }

    @GetMapping("/envform")
    @RateLimit(name = "envform", window = "1h", max = 100, key = "apiKey")
    String envform() {
      return "envform";
    }

    @GetMapping("/ip")
    @RateLimit(name = "ip", window = "1h", max = 1, key = "ip")
    String ip() {
      return "ip";
    }

    @GetMapping("/secure/me")
    @RateLimit(name = "me", window = "1h", max = 1, key = "principal")
    String me() {
      return "me";
    }

    @GetMapping("/anyone")
    @RateLimit(name = "anyone", window = "1h", max = 1, key = "principal")
    String anyone() {
      return "anyone";
    }
  }

  @RestController
  @RequestMapping("/classy")
  @RateLimit(name = "classy", window = "1h", max = 3, key = "apiKey")
  static class ClassLimited {
    @GetMapping("/a")
    @RateLimit(name = "classy-a", window = "1h", max = 10, key = "apiKey")
    String a() {
      return "a";
    }

    @GetMapping("/b")
    String b() {
      return "b";
    }
  }

  @RestController
  static class Open {
    @GetMapping("/open")
    String open() {
      return "open";
    }
  }
}
