/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.ee10;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimiter;
import dev.limiter.annotation.RateLimit;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.http.HttpContract;
import dev.limiter.servlet.RateLimitFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The servlet filter on Servlet 6.0: Tomcat 10.1 and Jetty 12 ee10. */
class ServletFilterOnEe10Test {

  /** Answers the Servlet version the container implements. */
  @RateLimit(name = "ee10-servlet", window = "1m", max = 10, key = "header:X-Client")
  public static final class LimitedServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      ServletContext context = request.getServletContext();
      response.getWriter().print(context.getMajorVersion() + "." + context.getMinorVersion());
    }
  }

  /** Not limited. */
  public static final class PlainServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.getWriter().print("plain");
    }
  }

  private static ServletContainerInitializer app(RateLimiter limiter) {
    return (classes, context) -> {
      context.addServlet("limited", new LimitedServlet()).addMapping("/limited");
      context.addServlet("plain", new PlainServlet()).addMapping("/plain");
      FilterRegistration.Dynamic filter =
          context.addFilter(
              "rate-limit", new RateLimitFilter(limiter, HttpContract.from(limiter.config())));
      filter.setAsyncSupported(true);
      filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    };
  }

  private static RateLimiter limiter() {
    return RateLimiter.builder()
        .store(CaffeineStore.ofDefaults())
        .config(RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build())
        .build();
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void admitsExactlyMaxOfManyConcurrentRequestsOnOneKey(Container container) throws Exception {
    try (RateLimiter limiter = limiter();
        Container.Running server = container.start(app(limiter))) {
      HttpResponse<String> first = server.get("/limited", "X-Client", "solo");
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.body()).as("the container's Servlet version").isEqualTo("6.0");
      assertThat(first.headers().firstValue("X-RateLimit-Limit")).hasValue("10");
      assertThat(first.headers().firstValue("X-RateLimit-Remaining")).hasValue("9");

      Map<Integer, Integer> statuses = server.burst(16, 40, "/limited", "X-Client", "shared");

      assertThat(statuses).containsExactlyInAnyOrderEntriesOf(Map.of(200, 10, 429, 30));
      HttpResponse<String> refused = server.get("/limited", "X-Client", "shared");
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      HttpResponse<String> plain = server.get("/plain", "X-Client", "shared");
      assertThat(plain.statusCode()).isEqualTo(200);
      assertThat(plain.headers().firstValue("X-RateLimit-Limit")).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void aRequestWithoutItsKeyIsRefusedAndNotCounted(Container container) throws Exception {
    try (RateLimiter limiter = limiter();
        Container.Running server = container.start(app(limiter))) {
      for (int i = 0; i < 12; i++) {
        assertThat(server.get("/limited").statusCode()).isEqualTo(400);
      }
      assertThat(server.get("/limited", "X-Client", "a").statusCode()).isEqualTo(200);
    }
  }
}
