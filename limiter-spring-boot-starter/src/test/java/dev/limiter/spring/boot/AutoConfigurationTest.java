/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.Decision;
import dev.limiter.EndpointLimits;
import dev.limiter.LimitResolver;
import dev.limiter.LimitStatus;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimitListener;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.http.HeaderDialect;
import dev.limiter.http.HttpContract;
import dev.limiter.http.Rejection;
import dev.limiter.http.RejectionHandler;
import dev.limiter.spring.boot.RecordingStoreProvider.RecordingStore;
import dev.limiter.spring.webmvc.RateLimitInterceptor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * The auto-configuration's beans, conditions and closing, in real Spring Boot contexts without a
 * server ({@link ApplicationContextRunner}); the web part runs on Tomcat in {@link
 * SpringBootApplicationTest}.
 */
class AutoConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(RateLimitAutoConfiguration.class));

  private static EndpointLimits limits(RateLimiter limiter, int max) {
    return limiter.limits(List.of(RateLimitPolicy.of("t", "1m", max, "apiKey")));
  }

  /** Runs {@code body} with the thread's class loader seeing a second store module. */
  private static void withSecondStore(Runnable body) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(RecordingStoreProvider.classLoader());
    try {
      body.run();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  @Test
  void theDefaultsAreALimiterOnTheStoreOfTheClassPathAndTheXDialect() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).hasSingleBean(RateLimitConfig.class);
          assertThat(context).doesNotHaveBean(RateLimitInterceptor.class); // not a web application
          assertThat(context.getBean(HttpContract.class).dialect()).isEqualTo(HeaderDialect.X);
          RateLimiter limiter = context.getBean(RateLimiter.class);
          EndpointLimits limits = limits(limiter, 1);
          assertThat(limiter.acquire(limits, "k").allowed()).isTrue();
          assertThat(limiter.acquire(limits, "k").allowed()).isFalse();
        });
  }

  @Test
  void ratelimitPropertiesOfTheEnvironmentReachTheConfiguration() {
    runner
        .withPropertyValues(
            "ratelimit.headers=draft6",
            "ratelimit.t.max=1",
            "ratelimit.trusted-proxies[0]=10.0.0.0/8",
            "ratelimit.trusted-proxies[1]=192.168.0.1",
            "ratelimit.url.downloads.pattern=/files/*, *.pdf")
        .run(
            context -> {
              assertThat(context.getBean(HttpContract.class).dialect())
                  .isEqualTo(HeaderDialect.DRAFT6);
              RateLimitConfig config = context.getBean(RateLimitConfig.class);
              assertThat(config.get("ratelimit.trusted-proxies"))
                  .hasValue("10.0.0.0/8, 192.168.0.1");
              assertThat(config.get("ratelimit.url.downloads.pattern")).hasValue("/files/*, *.pdf");
              assertThat(config.sourceOf("ratelimit.headers")).isEqualTo("Spring Environment");
              RateLimiter limiter = context.getBean(RateLimiter.class);
              EndpointLimits limits = limits(limiter, 100);
              assertThat(limits.policies().get(0).max()).isEqualTo(1); // the override
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class ApplicationBeans {
    @Bean
    RecordingStore store() {
      return new RecordingStore();
    }

    @Bean
    LimitResolver everyoneGetsOne() {
      return (policy, key) -> 1;
    }

    @Bean
    RejectionHandler teapot() {
      return new RejectionHandler() {
        @Override
        public Rejection rejected(Decision decision) {
          return new Rejection(418, "text/plain;charset=UTF-8", "slow down");
        }

        @Override
        public Rejection missingKey(dev.limiter.MissingKey missing) {
          return RejectionHandler.problemJson().missingKey(missing);
        }
      };
    }
  }

  @Test
  void theApplicationsStoreResolverAndRejectionHandlerReplaceTheDefaults() {
    RecordingStore[] store = new RecordingStore[1];
    runner
        .withUserConfiguration(ApplicationBeans.class)
        .run(
            context -> {
              store[0] = context.getBean(RecordingStore.class);
              RateLimiter limiter = context.getBean(RateLimiter.class);
              EndpointLimits limits = limits(limiter, 5);
              Decision first = limiter.acquire(limits, "k");
              assertThat(first.limit()).isEqualTo(1); // the LimitResolver's
              assertThat(store[0].applied.get()).isEqualTo(1); // the application's store
              Decision second = limiter.acquire(limits, "k");
              assertThat(second.allowed()).isFalse();
              var refusal = context.getBean(HttpContract.class).respond(second, false);
              assertThat(refusal.status()).isEqualTo(418);
              assertThat(refusal.body()).isEqualTo("slow down");
              assertThat(refusal.headers()).containsKey("Retry-After");
              assertThat(store[0].closed.get()).isZero();
            });
    // Spring closes the application's store once; the limiter, which did not create it, does not
    assertThat(store[0].closed.get()).isEqualTo(1);
  }

  /** Two listeners, each recording what it hears under its own name. */
  @Configuration(proxyBeanMethods = false)
  static class ApplicationListeners {
    static final List<String> HEARD = new CopyOnWriteArrayList<>();

    @Bean
    @Order(2)
    RateLimitListener second() {
      return recording("second");
    }

    @Bean
    @Order(1)
    RateLimitListener first() {
      return recording("first");
    }

    private static RateLimitListener recording(String name) {
      return new RateLimitListener() {
        @Override
        public void admitted(RateLimitPolicy policy, LimitStatus status, String key) {
          HEARD.add(name + " admitted " + policy.name());
        }

        @Override
        public void rejected(RateLimitPolicy policy, LimitStatus status, String key) {
          HEARD.add(name + " rejected " + policy.name());
        }
      };
    }
  }

  @Test
  void theApplicationsListenersHearTheLimiterInTheirOrder() {
    ApplicationListeners.HEARD.clear();
    runner
        .withUserConfiguration(ApplicationListeners.class)
        .run(
            context -> {
              RateLimiter limiter = context.getBean(RateLimiter.class);
              EndpointLimits limits = limits(limiter, 1);
              limiter.acquire(limits, "k");
              limiter.acquire(limits, "k");
            });
    String policy = "t";
    assertThat(ApplicationListeners.HEARD)
        .containsExactly(
            "first admitted " + policy,
            "second admitted " + policy,
            "first rejected " + policy,
            "second rejected " + policy);
  }

  @Configuration(proxyBeanMethods = false)
  static class ApplicationLimiter {
    static final CaffeineStore STORE = CaffeineStore.ofDefaults();

    @Bean
    RateLimiter myLimiter() {
      return RateLimiter.builder().store(STORE).build();
    }

    @Bean
    HttpContract myContract() {
      return HttpContract.of(HeaderDialect.BOTH, RejectionHandler.problemJson());
    }
  }

  @Test
  void theApplicationsLimiterAndContractReplaceTheDefaults() {
    runner
        .withUserConfiguration(ApplicationLimiter.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(RateLimiter.class);
              assertThat(context).hasSingleBean(HttpContract.class);
              assertThat(context).hasBean("myLimiter").hasBean("myContract");
              assertThat(context.getBean(HttpContract.class).dialect())
                  .isEqualTo(HeaderDialect.BOTH);
            });
  }

  @Test
  void aStoreTheLimiterFoundIsClosedWithTheContext() {
    withSecondStore(
        () ->
            runner
                .withPropertyValues("ratelimit.store=recording")
                .run(
                    context -> {
                      assertThat(context).hasNotFailed();
                      RateLimiter limiter = context.getBean(RateLimiter.class);
                      limiter.acquire(limits(limiter, 5), "k");
                      RecordingStore store =
                          RecordingStoreProvider.CREATED.get(
                              RecordingStoreProvider.CREATED.size() - 1);
                      assertThat(store.applied.get()).isEqualTo(1);
                      assertThat(store.closed.get()).isZero();
                    }));
    RecordingStore store =
        RecordingStoreProvider.CREATED.get(RecordingStoreProvider.CREATED.size() - 1);
    assertThat(store.closed.get()).isEqualTo(1);
  }

  @Test
  void twoStoresWithoutRatelimitStoreFailTheStartNamingBoth() {
    withSecondStore(
        () ->
            runner.run(
                context ->
                    assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("several rate-limit stores are on the class path")
                        .hasMessageContaining("caffeine")
                        .hasMessageContaining("recording")
                        .hasMessageContaining("choose one with ratelimit.store")));
  }

  @Test
  void anInvalidValueFailsTheStartNamingKeyValueAndSource() {
    runner
        .withPropertyValues("ratelimit.headers=fancy")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining(
                        "The rate limiter cannot start: Invalid configuration"
                            + " ratelimit.headers=\"fancy\" (from Spring Environment)"));
  }

  @Test
  void ratelimitEnabledFalseTurnsItOff() {
    runner
        .withPropertyValues("ratelimit.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(RateLimiter.class);
              assertThat(context).doesNotHaveBean(HttpContract.class);
            });
  }
}
