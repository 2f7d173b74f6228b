/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.ManualClock;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimiter;
import dev.limiter.annotation.RateLimit;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.http.HttpContract;
import dev.limiter.servlet.RateLimitFilter;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.Step;
import dev.limiter.spi.StepResult;
import dev.limiter.spi.StoreException;
import dev.limiter.testing.RawHttp;
import dev.limiter.testing.RawHttp.Reply;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The feature and the servlet filter send the same bytes for the same decisions: the same policies
 * on a resource method and on a servlet, two limiters with the same configuration and clock, the
 * same requests to each, and the status, the contract's header fields and, for refusals, the
 * framing fields and the body compared. On the JAX-RS runtime of the test JVM (Jersey or RESTEasy)
 * in each container; the filter in Jetty. The Spring MVC interceptor is compared with the filter in
 * its own module, so all three adapters answer alike.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestServer.Container.class)
class SameBytesAsTheFilterTest {

  private static final ManualClock CLOCK = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));

  private static TestServer jaxrs;
  private static Server filterServer;
  private static int filterPort;

  /** The container of the feature in this run of the class's tests. */
  @Parameter TestServer.Container container;

  /** The resource the feature limits. */
  @Path("/")
  public static class Compare {

    /**
     * Two per minute per API key.
     *
     * @return ok
     */
    @GET
    @Path("compare")
    @RateLimit(name = "compare", window = "1m", max = 2, key = "apiKey")
    public String compare() {
      return "ok";
    }

    /**
     * Five per minute per tenant.
     *
     * @return ok
     */
    @GET
    @Path("compare-tenant")
    @RateLimit(name = "tenant", window = "1m", max = 5, key = "header:X-Tenant")
    public String tenant() {
      return "ok";
    }
  }

  /** The servlet the filter limits as the feature limits {@link Compare#compare()}. */
  @RateLimit(name = "compare", window = "1m", max = 2, key = "apiKey")
  public static final class CompareServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.setContentType("text/plain");
      response.getWriter().write("ok");
    }
  }

  /** The servlet the filter limits as the feature limits {@link Compare#tenant()}. */
  @RateLimit(name = "tenant", window = "1m", max = 5, key = "header:X-Tenant")
  public static final class TenantServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.setContentType("text/plain");
      response.getWriter().write("ok");
    }
  }

  /** A real store that cannot answer for the key {@code down}, as a store whose member is gone. */
  static final class DownForOneKey implements RateLimitStore {
    private final RateLimitStore store = CaffeineStore.builder().clock(CLOCK).build();

    @Override
    public void apply(String key, Step step, StepResult result) {
      if (key.endsWith(":down")) {
        throw new StoreException("the member that owns " + key + " is gone", null);
      }
      store.apply(key, step, result);
    }

    @Override
    public void close() {
      store.close();
    }
  }

  private static RateLimiter limiter() {
    return RateLimiter.builder()
        .store(new DownForOneKey())
        .config(
            RateLimitConfig.builder()
                .environment(Map.of())
                .systemProperties(Map.of())
                .set("ratelimit.headers", "both")
                .build())
        .build();
  }

  @BeforeParameterizedClassInvocation
  static void start(TestServer.Container container) throws Exception {
    RateLimiter featureLimiter = limiter();
    jaxrs =
        TestServer.start(
            container,
            TestServer.application(
                List.of(Compare.class),
                new RateLimitFeature(featureLimiter, HttpContract.from(featureLimiter.config()))));

    RateLimiter filterLimiter = limiter();
    filterServer = new Server();
    ServerConnector connector = new ServerConnector(filterServer);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    filterServer.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(new CompareServlet()), "/compare");
    context.addServlet(new ServletHolder(new TenantServlet()), "/compare-tenant");
    context.addFilter(
        new FilterHolder(
            new RateLimitFilter(filterLimiter, HttpContract.from(filterLimiter.config()))),
        "/*",
        EnumSet.of(DispatcherType.REQUEST));
    filterServer.setHandler(context);
    filterServer.start();
    filterPort = connector.getLocalPort();
  }

  @AfterParameterizedClassInvocation
  static void stop() throws Exception {
    jaxrs.close();
    filterServer.stop();
  }

  @Test
  void theFeatureAnswersWithTheFiltersBytes() throws IOException {
    String[][] requests = {
      {"/compare", "X-API-Key: same-1"},
      {"/compare", "X-API-Key: same-1", "Origin: https://app.example"},
      {"/compare", "X-API-Key: same-1"}, // 429
      {"/compare", "X-API-Key: same-1", "Origin: https://app.example"}, // 429, exposed
      {"/compare"}, // no API key: 401
      {"/compare-tenant"}, // no X-Tenant: 400
      {"/compare-tenant", "X-Tenant: t1"},
      {"/compare", "X-API-Key: down"}, // the store cannot answer: 503
      {"/compare", "X-API-Key: down", "Origin: https://app.example"},
    };
    List<Integer> statuses = new ArrayList<>();
    for (String[] request : requests) {
      String[] fields = Arrays.copyOfRange(request, 1, request.length);
      Reply feature = get(jaxrs.port(), request[0], fields);
      Reply filter = get(filterPort, request[0], fields);
      String what = container + ": " + String.join(" ", request);
      assertThat(feature.status()).as(what).isEqualTo(filter.status());
      assertThat(contractFields(feature)).as(what).isEqualTo(contractFields(filter));
      if (feature.status() != 200) {
        assertThat(feature.body().getBytes(StandardCharsets.UTF_8))
            .as(what)
            .isEqualTo(filter.body().getBytes(StandardCharsets.UTF_8));
      }
      statuses.add(feature.status());
    }
    assertThat(statuses).containsExactly(200, 200, 429, 429, 401, 400, 200, 503, 503);
  }

  private static Reply get(int port, String target, String... fields) throws IOException {
    StringBuilder head = new StringBuilder("GET " + target + " HTTP/1.1\r\n");
    for (String field : fields) {
      head.append(field).append("\r\n");
    }
    return RawHttp.exchange(port, head.toString());
  }

  /** The fields the contract writes, and for refusals the ones that frame the body. */
  private static List<String> contractFields(Reply reply) {
    List<String> fields = new ArrayList<>();
    for (Map.Entry<String, String> field : reply.fields()) {
      String name = field.getKey().toLowerCase(Locale.ROOT);
      boolean contract =
          name.startsWith("x-ratelimit-")
              || name.startsWith("ratelimit")
              || name.equals("retry-after")
              || name.equals("cache-control")
              || name.equals("access-control-expose-headers");
      boolean framing =
          reply.status() != 200 && (name.equals("content-type") || name.equals("content-length"));
      if (contract || framing) {
        fields.add(name + ": " + field.getValue());
      }
    }
    fields.sort(null);
    return fields;
  }
}
