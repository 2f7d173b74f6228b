/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.limiter.Decision;
import dev.limiter.EndpointLimits;
import dev.limiter.MissingKey;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.http.HeaderDialect;
import dev.limiter.http.HttpContract;
import dev.limiter.http.Rejection;
import dev.limiter.http.RejectionHandler;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.StoreException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.junit.jupiter.api.Test;

/**
 * How the feature is registered and built, what fails deployment, and answers that need no HTTP
 * server (Jersey in memory, where no servlet request exists).
 */
class DeploymentTest {

  private static RateLimitConfig emptyConfig() {
    return RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build();
  }

  private static RateLimitFeature feature() {
    return RateLimitFeature.builder()
        .store(CaffeineStore.ofDefaults())
        .config(emptyConfig())
        .build();
  }

  @Test
  void registeredByClassItFindsTheStoreOnTheClassPath() throws Exception {
    try (TestServer server =
        TestServer.start(
            new ResourceConfig(Resources.Api.class).register(RateLimitFeature.class))) {
      HttpResponse<String> response = server.get("/hello", "X-API-Key", "by-class-1");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("X-RateLimit-Limit")).hasValue("3");
      assertThat(response.headers().firstValue("X-RateLimit-Remaining")).hasValue("2");
    }
  }

  /**
   * {@code new RateLimitFeature(limiter, contract)}: the limiter's configuration and counters, the
   * contract's dialect and handler, and the client-address filter as with the other forms.
   */
  @Test
  void constructedWithALimiterAndAContractItUsesBoth() throws Exception {
    RateLimitConfig config =
        RateLimitConfig.builder()
            .environment(Map.of())
            .systemProperties(Map.of())
            .set("ratelimit.hello.max", "2")
            .build();
    RejectionHandler plain =
        new RejectionHandler() {
          @Override
          public Rejection rejected(Decision decision) {
            return new Rejection(
                429, "text/plain;charset=UTF-8", "retry in " + decision.retryAfterSeconds() + " s");
          }

          @Override
          public Rejection missingKey(MissingKey missing) {
            return RejectionHandler.problemJson().missingKey(missing);
          }
        };
    try (RateLimiter limiter =
        RateLimiter.builder().store(CaffeineStore.ofDefaults()).config(config).build()) {
      RateLimitFeature feature =
          new RateLimitFeature(limiter, HttpContract.of(HeaderDialect.DRAFT6, plain));
      HttpResponse<String> first;
      HttpResponse<String> rejected;
      HttpResponse<String> byIp;
      try (TestServer server =
          TestServer.start(new ResourceConfig(Resources.Api.class).register(feature))) {
        first = server.get("/hello", "X-API-Key", "constructed-1");
        server.get("/hello", "X-API-Key", "constructed-1");
        rejected = server.get("/hello", "X-API-Key", "constructed-1");
        byIp = server.get("/by-ip");
      }

      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.headers().firstValue("RateLimit-Limit")).hasValue("2");
      assertThat(first.headers().firstValue("RateLimit-Remaining")).hasValue("1");
      assertThat(first.headers().firstValue("X-RateLimit-Limit")).isEmpty();
      assertThat(rejected.statusCode()).isEqualTo(429);
      String retryAfter = rejected.headers().firstValue("Retry-After").orElseThrow();
      assertThat(rejected.body()).isEqualTo("retry in " + retryAfter + " s");
      // Jetty writes the charset parameter in lower case
      assertThat(rejected.headers().firstValue("Content-Type").orElseThrow())
          .isEqualToIgnoringCase("text/plain;charset=UTF-8");
      assertThat(byIp.statusCode()).isEqualTo(200);
      assertThat(byIp.headers().firstValue("RateLimit-Limit")).hasValue("1000");
      assertThat(feature.injectedAddressFilter()).isNotNull();
      // the feature counted in the given limiter, and left it open
      EndpointLimits hello =
          limiter.limits(List.of(RateLimitPolicy.of("hello", "1m", 3, "apiKey")));
      assertThat(limiter.acquire(hello, "constructed-1").allowed()).isFalse();
      assertThat(limiter.acquire(hello, "constructed-2").remaining()).isEqualTo(1);
    }
    assertThatThrownBy(() -> new RateLimitFeature(null, HttpContract.from(emptyConfig())))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("limiter");
  }

  @Test
  void anInvalidAnnotationFailsTheStartNamingClassMethodAndAttribute() {
    Throwable failure =
        catchThrowable(
            () -> TestServer.start(new ResourceConfig(Resources.Broken.class).register(feature())));

    assertThat(failure).isNotNull();
    List<String> messages = new ArrayList<>();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      messages.add(String.valueOf(t.getMessage()));
    }
    assertThat(messages)
        .anySatisfy(
            message ->
                assertThat(message)
                    .contains("Invalid @RateLimit on dev.limiter.jaxrs.Resources$Broken#broken")
                    .contains("attribute window")
                    .contains("60x"));
  }

  /**
   * {@code path:ID} where the template says {@code {id}} would answer 400 to every request; it
   * fails the deployment instead, naming the method, the attribute and the parameters there are.
   */
  @Test
  void aPathKeyThatTheTemplateDoesNotBindFailsTheStart() {
    Throwable failure =
        catchThrowable(
            () ->
                TestServer.start(
                    new ResourceConfig(Resources.WrongPathParameter.class).register(feature())));

    assertThat(failure).isNotNull();
    List<String> messages = new ArrayList<>();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      messages.add(String.valueOf(t.getMessage()));
    }
    assertThat(messages)
        .anySatisfy(
            message ->
                assertThat(message)
                    .contains(
                        "Invalid @RateLimit on dev.limiter.jaxrs.Resources$WrongPathParameter#item")
                    .contains("attribute key")
                    .contains("path:ID")
                    .contains("{id}"));
  }

  @Test
  void pathKeysMayUseTheClassTemplateAndNamedRegularExpressions() throws Exception {
    try (TestServer server =
        TestServer.start(
            new ResourceConfig(Resources.ClassAndMethodPathParameters.class).register(feature()))) {
      HttpResponse<String> response = server.get("/tenants/acme/items/42");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("X-RateLimit-Remaining")).hasValue("4");
    }
  }

  @Test
  void withoutAServletContainerIpDoesNotResolveAndOtherKeysWork() throws Exception {
    ApplicationHandler jersey =
        new ApplicationHandler(
            new ResourceConfig(Resources.Api.class)
                .register(feature())
                .property(ServerProperties.WADL_FEATURE_DISABLE, true));

    ContainerResponse hello = inMemory(jersey, "/hello", "X-API-Key", "in-memory-1");
    assertThat(hello.getStatus()).isEqualTo(200);
    assertThat(hello.getHeaderString("X-RateLimit-Remaining")).isEqualTo("2");

    ContainerResponse byIp = inMemory(jersey, "/by-ip");
    assertThat(byIp.getStatus()).isEqualTo(400);
    assertThat(new String((byte[]) byIp.getEntity(), StandardCharsets.UTF_8))
        .contains("The request lacks the client address");
  }

  @Test
  void aStoreThatCannotAnswerGives503WithRetryAfter() throws Exception {
    RateLimitStore down =
        (key, step, result) -> {
          throw new StoreException(
              "store down", new IOException("refused"), Duration.ofMillis(1500));
        };
    ApplicationHandler jersey =
        new ApplicationHandler(
            new ResourceConfig(Resources.Api.class)
                .register(RateLimitFeature.builder().store(down).config(emptyConfig()).build())
                .property(ServerProperties.WADL_FEATURE_DISABLE, true));

    ContainerResponse response = inMemory(jersey, "/hello", "X-API-Key", "down-1");

    assertThat(response.getStatus()).isEqualTo(503);
    assertThat(response.getHeaderString("Retry-After")).isEqualTo("2");
    assertThat(response.getHeaderString("Cache-Control")).isEqualTo("no-store");
    assertThat(response.getHeaderString("Content-Type")).isEqualTo("application/problem+json");
    assertThat(new String((byte[]) response.getEntity(), StandardCharsets.UTF_8))
        .contains("\"status\":503")
        .contains("\"policy\":\"hello\"");
  }

  private static ContainerResponse inMemory(
      ApplicationHandler jersey, String path, String... headers) throws Exception {
    ContainerRequest request =
        new ContainerRequest(
            URI.create("http://localhost/"),
            URI.create("http://localhost" + path),
            "GET",
            null,
            new MapPropertiesDelegate(),
            jersey.getConfiguration());
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return jersey.apply(request, new ByteArrayOutputStream()).get();
  }

  @Test
  void aLimitOnTheImplementationCountsWhenTheRuntimeReportsTheInterfaceMethod() throws Exception {
    Method declared = Resources.Contract.class.getMethod("get");

    assertThat(registrations(feature(), Resources.ContractResource.class, declared)).isEqualTo(1);
    assertThat(
            registrations(feature(), Resources.Api.class, Resources.Api.class.getMethod("plain")))
        .isZero();
  }

  /** Calls configure as a runtime would and counts the filter instances it registers. */
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
    int[] instances = {0};
    FeatureContext context =
        (FeatureContext)
            Proxy.newProxyInstance(
                FeatureContext.class.getClassLoader(),
                new Class<?>[] {FeatureContext.class},
                (proxy, called, args) -> {
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
