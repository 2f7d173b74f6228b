/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimiter;
import dev.limiter.caffeine.CaffeineStore;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.FeatureContext;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** How the feature is built, and what it registers, without a runtime. */
class FeatureBuildTest {

  private static RateLimitConfig emptyConfig() {
    return RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build();
  }

  private static RateLimitFeature feature() {
    return RateLimitFeature.builder()
        .store(CaffeineStore.ofDefaults())
        .config(emptyConfig())
        .build();
  }

  /**
   * A runtime may create the feature several times and use one instance (RESTEasy creates a
   * class-registered one three times): creating it opens no store.
   */
  @Test
  void creatingTheFeatureBuildsNoLimiterUntilAMethodNeedsIt() throws Exception {
    RateLimitFeature byClass = new RateLimitFeature();
    RateLimitFeature built = RateLimitFeature.builder().config(emptyConfig()).build();
    assertThat(byClass.limiterOpen()).isFalse();
    assertThat(built.limiterOpen()).isFalse();

    Method hello = Resources.Api.class.getMethod("hello");
    assertThat(registrations(built, Resources.Api.class, hello)).isEqualTo(1);
    assertThat(built.limiterOpen()).isTrue();
    assertThat(byClass.limiterOpen()).isFalse();
  }

  /** Servlet containers find the initializer that closes the limiters as they find any other. */
  @Test
  void theJarDeclaresTheInitializerAsAServletContainerInitializer() {
    assertThat(ServiceLoader.load(ServletContainerInitializer.class).stream())
        .map(ServiceLoader.Provider::type)
        .contains(RateLimitFeatureInitializer.class);
  }

  @Test
  void aLimitOnTheImplementationCountsWhenTheRuntimeReportsTheInterfaceMethod() throws Exception {
    Method declared = Resources.Contract.class.getMethod("get");

    assertThat(registrations(feature(), Resources.ContractResource.class, declared)).isEqualTo(1);
    assertThat(
            registrations(feature(), Resources.Api.class, Resources.Api.class.getMethod("plain")))
        .isZero();
  }

  /**
   * Calls configure as a runtime would, with no application configured before, and counts the
   * filter instances it registers.
   */
  private static int registrations(RateLimitFeature feature, Class<?> type, Method method) {
    ResourceInfo info =
        new ResourceInfo() {
          @Override
          public Method getResourceMethod() {
            return method;
          }

          @Override
          public Class<?> getResourceClass() {
            return type;
          }
        };
    Configuration empty =
        (Configuration)
            Proxy.newProxyInstance(
                Configuration.class.getClassLoader(),
                new Class<?>[] {Configuration.class},
                (proxy, called, args) -> called.getName().equals("getProperty") ? null : proxy);
    int[] instances = {0};
    FeatureContext context =
        (FeatureContext)
            Proxy.newProxyInstance(
                FeatureContext.class.getClassLoader(),
                new Class<?>[] {FeatureContext.class},
                (proxy, called, args) -> {
                  if (called.getName().equals("getConfiguration")) {
                    return empty;
                  }
                  if (called.getName().equals("register") && !(args[0] instanceof Class)) {
                    instances[0]++;
                  }
                  return proxy;
                });
    feature.configure(info, context);
    return instances[0];
  }

  @Test
  void theBuilderRefusesALimiterTogetherWithItsParts() {
    try (RateLimiter limiter =
        RateLimiter.builder().store(CaffeineStore.ofDefaults()).config(emptyConfig()).build()) {
      assertThatThrownBy(
              () ->
                  RateLimitFeature.builder()
                      .limiter(limiter)
                      .store(CaffeineStore.ofDefaults())
                      .build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("RateLimiter.builder()");
      assertThat(RateLimitFeature.builder().limiter(limiter).build()).isNotNull();
    }
    assertThatThrownBy(() -> RateLimitFeature.builder().store(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("store");
  }

  @Test
  void anInvalidHeaderDialectFailsTheBuild() {
    RateLimitConfig config =
        RateLimitConfig.builder()
            .environment(Map.of())
            .systemProperties(Map.of())
            .set("ratelimit.headers", "fancy")
            .build();

    assertThatThrownBy(
            () ->
                RateLimitFeature.builder().store(CaffeineStore.ofDefaults()).config(config).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ratelimit.headers")
        .hasMessageContaining("fancy");
  }
}
