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
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How the feature is registered, what fails deployment and what closes with it, on each container
 * with the JAX-RS runtime of the test JVM. Each test deploys an application of its own.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestServer.Container.class)
class DeploymentTest {

  /** The container of this run of the class's tests. */
  @Parameter TestServer.Container container;

  private static RateLimitConfig emptyConfig() {
    return RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build();
  }

  private static RateLimitFeature feature() {
    return RateLimitFeature.builder()
        .store(CaffeineStore.ofDefaults())
        .config(emptyConfig())
        .build();
  }

  private TestServer start(List<Class<?>> classes, Object... singletons) throws Exception {
    return TestServer.start(container, TestServer.application(classes, singletons));
  }

  private static List<String> messages(Throwable failure) {
    List<String> messages = new ArrayList<>();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      messages.add(t.getClass().getName() + ": " + t.getMessage());
    }
    return messages;
  }

  @Test
  void registeredByClassItFindsTheStoreOnTheClassPath() throws Exception {
    try (TestServer server = start(List.of(Resources.Api.class, RateLimitFeature.class))) {
      HttpResponse<String> response = server.get("/hello", "X-API-Key", "by-class-1");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("X-RateLimit-Limit")).hasValue("3");
      assertThat(response.headers().firstValue("X-RateLimit-Remaining")).hasValue("2");
      // every method counts in the one limiter of the application, whichever instance has it
      assertThat(server.get("/hello", "X-API-Key", "by-class-1").headers().map())
          .containsEntry("X-RateLimit-Remaining", List.of("1"));
      assertThat(server.get("/by-ip").statusCode()).isEqualTo(200);
      assertThat(server.get("/plain").statusCode()).isEqualTo(200);
    }
  }

  /**
   * {@code new RateLimitFeature(limiter, contract)}: the limiter's configuration and counters, the
   * contract's dialect and handler, and the client-address filter as with the other forms; and the
   * limiter stays open when the application is undeployed.
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
      try (TestServer server = start(List.of(Resources.Api.class), feature)) {
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
      assertThat(feature.injectedAddressFilter() != null)
          .isEqualTo(TestServer.JaxrsRuntime.current() == TestServer.JaxrsRuntime.JERSEY);
      // the feature counted in the given limiter, and left it open when the server stopped
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
    Throwable failure = catchThrowable(() -> start(List.of(Resources.Broken.class), feature()));

    assertThat(failure).isNotNull();
    assertThat(messages(failure))
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
        catchThrowable(() -> start(List.of(Resources.WrongPathParameter.class), feature()));

    assertThat(failure).isNotNull();
    assertThat(messages(failure))
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
        start(List.of(Resources.ClassAndMethodPathParameters.class), feature())) {
      HttpResponse<String> response = server.get("/tenants/acme/items/42");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("X-RateLimit-Remaining")).hasValue("4");
    }
  }

  @Test
  void aStoreThatCannotAnswerGives503WithRetryAfter() throws Exception {
    RateLimitStore down =
        (key, step, result) -> {
          throw new StoreException(
              "store down", new IOException("refused"), Duration.ofMillis(1500));
        };
    try (TestServer server =
        start(
            List.of(Resources.Api.class),
            RateLimitFeature.builder().store(down).config(emptyConfig()).build())) {
      HttpResponse<String> response = server.get("/hello", "X-API-Key", "down-1");

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
      assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue("application/problem+json");
      assertThat(response.body()).contains("\"status\":503").contains("\"policy\":\"hello\"");
      assertThat(server.get("/plain").statusCode()).isEqualTo(200);
    }
  }

  /**
   * A feature that cannot build its limiter fails the deployment with a message that names it and
   * says what to do, on every runtime and container.
   */
  @Test
  void aStoreThatCannotBeFoundFailsTheStartSayingWhatToDo() {
    String previous = System.setProperty("ratelimit.store", "nowhere");
    try {
      Throwable failure =
          catchThrowable(() -> start(List.of(Resources.Api.class, RateLimitFeature.class)));

      assertThat(failure).isNotNull();
      assertThat(messages(failure))
          .anySatisfy(
              message ->
                  assertThat(message)
                      .contains("RateLimitFeature cannot build its rate limiter")
                      .contains("ratelimit.store=nowhere")
                      .contains("caffeine")
                      .contains("nowhere-store or name one of those"));
    } finally {
      restore("ratelimit.store", previous);
    }
  }

  /**
   * What a client of an application whose feature failed to start gets, where the container keeps
   * the application deployed: every endpoint, an unlimited one too, fails.
   */
  @Test
  void anApplicationWhoseFeatureFailedAnswersNoEndpoint() throws Exception {
    String previous = System.setProperty("ratelimit.store", "nowhere");
    try (TestServer server =
        TestServer.startEvenIfTheServletFails(
            container,
            TestServer.application(List.of(Resources.Api.class, RateLimitFeature.class)))) {
      int plain = server.get("/plain").statusCode();
      int hello = server.get("/hello", "X-API-Key", "failed-1").statusCode();

      assertThat(plain).isEqualTo(container == TestServer.Container.JETTY ? 503 : 500);
      assertThat(hello).isEqualTo(plain);
    } finally {
      restore("ratelimit.store", previous);
    }
  }

  private static void restore(String key, String previous) {
    if (previous == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, previous);
    }
  }

  /**
   * A limiter the feature built is closed when the servlet context is destroyed, by the initializer
   * the container runs; a store the user gave stays open.
   */
  @Test
  void undeployingClosesTheLimiterTheFeatureBuilt() throws Exception {
    RateLimitFeature built = RateLimitFeature.builder().config(emptyConfig()).build();
    CaffeineStore given = CaffeineStore.ofDefaults();
    RateLimitFeature aroundAGivenStore =
        RateLimitFeature.builder().store(given).config(emptyConfig()).build();
    try (TestServer server = start(List.of(Resources.Api.class), built)) {
      assertThat(server.get("/hello", "X-API-Key", "undeploy-1").statusCode()).isEqualTo(200);
      assertThat(built.limiterOpen()).isTrue();
    }
    assertThat(built.limiterOpen()).isFalse();

    try (TestServer server = start(List.of(Resources.Api.class), aroundAGivenStore)) {
      assertThat(server.get("/hello", "X-API-Key", "undeploy-2").statusCode()).isEqualTo(200);
    }
    assertThat(aroundAGivenStore.limiterOpen()).isFalse();
    // the store the user gave still counts: the feature closed its own limiter, not the store
    try (RateLimiter reader = RateLimiter.builder().store(given).config(emptyConfig()).build()) {
      EndpointLimits hello = reader.limits(List.of(RateLimitPolicy.of("hello", "1m", 3, "apiKey")));
      assertThat(reader.acquire(hello, "undeploy-2").remaining()).isEqualTo(1);
    }
  }

  /**
   * Where the initializer did not run (an embedded server that scans nothing, and no one added it),
   * the feature works and says in the log that nothing will close its limiter, and what to do.
   */
  @Test
  void withoutTheInitializerTheFeatureSaysNothingClosesItsLimiter() throws Exception {
    List<LogRecord> records = new ArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            synchronized (records) {
              records.add(record);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger log = Logger.getLogger("dev.limiter.jaxrs");
    log.addHandler(handler);
    RateLimitFeature built = RateLimitFeature.builder().config(emptyConfig()).build();
    try (TestServer server =
        TestServer.withoutInitializer(
            container, TestServer.application(List.of(Resources.Api.class), built))) {
      assertThat(server.get("/hello", "X-API-Key", "no-initializer-1").statusCode()).isEqualTo(200);
    } finally {
      log.removeHandler(handler);
    }
    assertThat(built.limiterOpen()).isTrue();
    synchronized (records) {
      assertThat(records)
          .anySatisfy(
              record -> {
                assertThat(record.getLevel()).isEqualTo(Level.WARNING);
                assertThat(new java.util.logging.SimpleFormatter().formatMessage(record))
                    .contains("RateLimitFeatureInitializer did not run")
                    .contains("addServletContainerInitializer(new RateLimitFeatureInitializer())");
              });
    }
  }
}
