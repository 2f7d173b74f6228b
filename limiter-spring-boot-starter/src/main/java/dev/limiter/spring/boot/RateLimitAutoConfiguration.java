/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.boot;

import dev.limiter.LimitResolver;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimitListener;
import dev.limiter.RateLimiter;
import dev.limiter.annotation.ConcurrencyLimit;
import dev.limiter.annotation.IdempotencyKey;
import dev.limiter.annotation.RateLimit;
import dev.limiter.http.HttpContract;
import dev.limiter.http.RejectionHandler;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spring.webmvc.RateLimitInterceptor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Auto-configures the limiter in a Spring Boot 3 application: adding {@code
 * dev.limiter:limiter-spring-boot-starter} is enough for {@link RateLimit}, {@link
 * ConcurrencyLimit} and {@link IdempotencyKey} on {@code @RestController} and {@code @Controller}
 * classes and methods to be enforced.
 *
 * <p>Beans, each replaced by the application's own bean of its type:
 *
 * <ul>
 *   <li>{@link RateLimitConfig}: every {@code ratelimit.*} key of the Spring {@code Environment}
 *       (application properties and YAML, profile-specific files, command-line arguments, and the
 *       relaxed forms such as {@code RATELIMIT_HEADERS}), set on {@link RateLimitConfig.Builder} as
 *       values from the source "Spring Environment". {@code ratelimit.properties} on the class
 *       path, or the file {@code ratelimit.config} names, is read below them; environment variables
 *       and system properties of the exact key names ({@code RATELIMIT_SEARCH_MAX}, {@code
 *       -Dratelimit.search.max}) are read above them, as everywhere in the limiter. Indexed values
 *       (a YAML list such as {@code trusted-proxies: [10.0.0.0/8, 192.168.1.7]}) are joined with
 *       commas.
 *   <li>{@link RateLimiter}, closed with the context (which also stops its thread that renews the
 *       leases of requests in flight): with the application's {@link RateLimitStore} bean if it has
 *       one (which Spring closes, not the limiter), else the store module on the class path
 *       (Caffeine, which the starter brings; {@code ratelimit.store} names one when there are
 *       several), which the limiter closes; with the application's {@link LimitResolver} bean if it
 *       has one; and with every {@link RateLimitListener} bean as a listener, in their order (a
 *       {@code RateLimitMetrics} bean of {@code limiter-micrometer} counts decisions this way, and
 *       Spring Boot binds it to the registry as a {@code MeterBinder}).
 *   <li>{@link HttpContract}: the dialect of {@code ratelimit.headers} ({@code x} by default), and
 *       the application's {@link RejectionHandler} bean, or problem details.
 *   <li>In a servlet web application with Spring MVC, {@link RateLimitInterceptor}, registered for
 *       the handler methods through a {@link WebMvcConfigurer}. It reads every handler method's
 *       annotations when the context starts.
 * </ul>
 *
 * <p>{@code ratelimit.enabled=false} turns all of it off. A wrong {@code ratelimit.*} value, an
 * invalid annotation, or a class path with several stores and no {@code ratelimit.store} fails the
 * start of the application with a message that names the key (and the file and line it was set in)
 * or the class, the method and the attribute.
 *
 * <p>Registered in {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration
 * .imports}; applications do not refer to it, except to exclude it.
 */
@AutoConfiguration
@ConditionalOnClass(RateLimiter.class)
@ConditionalOnProperty(prefix = "ratelimit", name = "enabled", matchIfMissing = true)
public class RateLimitAutoConfiguration {

  /** Creates the configuration; called by Spring Boot. */
  public RateLimitAutoConfiguration() {}

  /**
   * The limiter's configuration, from the Spring Environment.
   *
   * @param environment the application's environment
   * @return the configuration
   * @throws IllegalStateException if {@code ratelimit.*} cannot be read as text, or {@code
   *     ratelimit.config} names a file that cannot be read
   */
  @Bean
  @ConditionalOnMissingBean
  public RateLimitConfig rateLimitConfig(Environment environment) {
    return SpringProperties.config(environment);
  }

  /**
   * The limiter, closed with the context.
   *
   * @param config the configuration
   * @param store the application's store, if any
   * @param limitResolver the application's per-key limits, if any
   * @param listeners the application's listeners, if any
   * @return the limiter
   * @throws IllegalStateException if no store, or several and none named, are on the class path, or
   *     a configuration value is invalid
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public RateLimiter rateLimiter(
      RateLimitConfig config,
      ObjectProvider<RateLimitStore> store,
      ObjectProvider<LimitResolver> limitResolver,
      ObjectProvider<RateLimitListener> listeners) {
    RateLimiter.Builder builder = RateLimiter.builder().config(config);
    store.ifAvailable(builder::store);
    limitResolver.ifAvailable(builder::limitResolver);
    listeners.orderedStream().forEach(builder::listener);
    try {
      return builder.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalStateException("The rate limiter cannot start: " + e.getMessage(), e);
    }
  }

  /**
   * The HTTP contract: header fields and refusals.
   *
   * @param rateLimiter the limiter, whose configuration names the dialect
   * @param rejectionHandler the application's refusals, if any
   * @return the contract
   * @throws IllegalStateException if {@code ratelimit.headers} is not a dialect
   */
  @Bean
  @ConditionalOnMissingBean
  public HttpContract rateLimitHttpContract(
      RateLimiter rateLimiter, ObjectProvider<RejectionHandler> rejectionHandler) {
    HttpContract configured;
    try {
      configured = HttpContract.from(rateLimiter.config());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("The rate limiter cannot start: " + e.getMessage(), e);
    }
    RejectionHandler handler = rejectionHandler.getIfAvailable();
    return handler == null ? configured : HttpContract.of(configured.dialect(), handler);
  }

  /** The Spring MVC part, in servlet web applications. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass({DispatcherServlet.class, RateLimitInterceptor.class})
  public static class WebMvc {

    /** Creates the configuration; called by Spring Boot. */
    public WebMvc() {}

    /**
     * The interceptor that enforces the annotations.
     *
     * @param rateLimiter the limiter
     * @param rateLimitHttpContract the contract
     * @return the interceptor
     */
    @Bean
    @ConditionalOnMissingBean
    public RateLimitInterceptor rateLimitInterceptor(
        RateLimiter rateLimiter, HttpContract rateLimitHttpContract) {
      return new RateLimitInterceptor(rateLimiter, rateLimitHttpContract);
    }

    /**
     * Registers the interceptor for the handler methods of Spring MVC.
     *
     * @param rateLimitInterceptor the interceptor
     * @return the configurer
     */
    @Bean
    public WebMvcConfigurer rateLimitWebMvcConfigurer(RateLimitInterceptor rateLimitInterceptor) {
      return new WebMvcConfigurer() {
        @Override
        public void addInterceptors(InterceptorRegistry registry) {
          registry.addInterceptor(rateLimitInterceptor);
        }
      };
    }
  }
}
