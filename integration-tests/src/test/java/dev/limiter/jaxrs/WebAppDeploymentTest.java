/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.RateLimitConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * As a WAR deploys: Tomcat's {@code addWebapp} looks for the servlet container initializers itself,
 * and finds {@link RateLimitFeatureInitializer} in the feature's jar ({@code
 * META-INF/services/jakarta.servlet.ServletContainerInitializer}); nobody adds it by hand.
 */
class WebAppDeploymentTest {

  @Test
  void undeployingAWebApplicationClosesTheLimiterWithNothingAddedByHand() throws Exception {
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
    RateLimitConfig config =
        RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build();
    RateLimitFeature built = RateLimitFeature.builder().config(config).build();
    try (TestServer server =
        TestServer.startAsWebApp(TestServer.application(List.of(Resources.Api.class), built))) {
      assertThat(server.get("/hello", "X-API-Key", "web-app-1").statusCode()).isEqualTo(200);
      assertThat(server.get("/by-ip").statusCode()).isEqualTo(200);
      assertThat(built.limiterOpen()).isTrue();
    } finally {
      log.removeHandler(handler);
    }
    assertThat(built.limiterOpen()).isFalse();
    synchronized (records) {
      assertThat(records).isEmpty(); // no "RateLimitFeatureInitializer did not run"
    }
  }
}
