/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.readme;

import dev.limiter.RateLimiter;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.http.HttpContract;
import dev.limiter.spring.webmvc.RateLimitInterceptor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

// spotless:off
// README: spring mvc without boot
@Configuration
@EnableWebMvc
public class WebConfig implements WebMvcConfigurer {
  @Bean(destroyMethod = "close")
  public RateLimiter rateLimiter() {
    return RateLimiter.builder().store(CaffeineStore.ofDefaults()).build();
  }

  @Bean
  public RateLimitInterceptor rateLimitInterceptor() {
    return new RateLimitInterceptor(rateLimiter(), HttpContract.from(rateLimiter().config()));
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(rateLimitInterceptor());   // the bean: @Configuration proxies the call
  }
}
// README end
// spotless:on
