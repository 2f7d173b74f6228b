/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.RateLimitConfig;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.StoreException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.junit.jupiter.api.Test;

/**
 * Answers that need no HTTP server: Jersey in memory, where no servlet request exists. Jersey's own
 * API, so it runs in the Jersey test JVM only (the RESTEasy executions exclude {@code
 * Jersey*Test}).
 */
class JerseyInMemoryTest {

  private static RateLimitConfig emptyConfig() {
    return RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build();
  }

  @Test
  void withoutAServletContainerIpDoesNotResolveAndOtherKeysWork() throws Exception {
    ApplicationHandler jersey =
        new ApplicationHandler(
            new ResourceConfig(Resources.Api.class)
                .register(
                    RateLimitFeature.builder()
                        .store(CaffeineStore.ofDefaults())
                        .config(emptyConfig())
                        .build())
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
}
