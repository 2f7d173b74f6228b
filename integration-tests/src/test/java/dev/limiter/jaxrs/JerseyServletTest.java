/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.RateLimitConfig;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.jaxrs.internal.JerseyServlet;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.glassfish.jersey.internal.MapPropertiesDelegate;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ContainerRequest;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * On Jersey's servlet container the feature reads the servlet request and response from Jersey's
 * own objects, not through the injected proxy: checked here so that a Jersey that holds them
 * elsewhere shows up as a failure, not as a slower server. Jersey's API, so in the Jersey test JVM
 * only.
 */
class JerseyServletTest {

  /** Records, per {@code X-Probe} value, whether the servlet request behind it can be read. */
  public static class Probe implements ContainerRequestFilter {
    static final Map<String, Boolean> SEEN = new ConcurrentHashMap<>();

    @Override
    public void filter(ContainerRequestContext request) {
      String id = request.getHeaderString("X-Probe");
      if (id != null) {
        SEEN.put(id, JerseyServlet.readsServletRequest(request));
      }
    }
  }

  private static RateLimitConfig emptyConfig() {
    return RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build();
  }

  @ParameterizedTest
  @EnumSource(TestServer.Container.class)
  void inAServletContainerTheServletRequestIsReadDirectly(TestServer.Container container)
      throws Exception {
    try (TestServer server =
        TestServer.start(
            container,
            TestServer.application(
                List.of(Resources.Api.class, Probe.class),
                RateLimitFeature.builder()
                    .store(CaffeineStore.ofDefaults())
                    .config(emptyConfig())
                    .build()))) {
      HttpResponse<String> response = server.get("/by-ip", "X-Probe", container.name());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(Probe.SEEN).containsEntry(container.name(), true);
      assertThat(response.headers().allValues("X-RateLimit-Limit")).containsExactly("1000");
    }
  }

  @Test
  void inMemoryThereIsNoServletRequestToRead() throws Exception {
    ApplicationHandler jersey =
        new ApplicationHandler(
            new ResourceConfig(Resources.Api.class, Probe.class)
                .property(ServerProperties.WADL_FEATURE_DISABLE, true));
    ContainerRequest request =
        new ContainerRequest(
            URI.create("http://localhost/"),
            URI.create("http://localhost/plain"),
            "GET",
            null,
            new MapPropertiesDelegate(),
            jersey.getConfiguration());
    request.header("X-Probe", "in-memory");

    assertThat(jersey.apply(request, new ByteArrayOutputStream()).get().getStatus()).isEqualTo(200);
    assertThat(Probe.SEEN).containsEntry("in-memory", false);
  }
}
