/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.RateLimiter;
import dev.limiter.http.HeaderDialect;
import dev.limiter.http.HttpContract;
import dev.limiter.spring.webmvc.RateLimitInterceptor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * A real Spring Boot 3 application on its embedded Tomcat with the starter, Spring Security and
 * configuration in application.properties, application.yml, a profile's file and an environment
 * variable's form; real HTTP requests over 127.0.0.1. One context for every test here.
 */
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@ContextConfiguration(initializers = EnvironmentVariableForm.class)
class SpringBootApplicationTest {

  private static HttpClient client;

  @LocalServerPort int port;
  @Autowired RateLimiter limiter;
  @Autowired HttpContract contract;
  @Autowired RateLimitInterceptor interceptor;

  @BeforeAll
  static void client() {
    client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  @AfterAll
  static void closeClient() {
    client = null;
  }

  private HttpResponse<String> get(String path, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theStarterRegistersTheInterceptorWithTheIetfDialectOfApplicationProperties() {
    assertThat(contract.dialect()).isEqualTo(HeaderDialect.IETF);
    assertThat(interceptor.toString()).contains("IETF");
  }

  @Test
  void concurrentRequestsWithOneKeyAdmitExactlyMax() throws Exception {
    int threads = 8;
    int perThread = 20;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<int[]>> results = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  int[] counts = new int[2];
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    int status = get("/count", "X-API-Key", "concurrent").statusCode();
                    assertThat(status).isIn(200, 429);
                    counts[status == 200 ? 0 : 1]++;
                  }
                  return counts;
                }));
      }
      start.countDown();
      int admitted = 0;
      int refused = 0;
      for (Future<int[]> result : results) {
        int[] counts = result.get(60, TimeUnit.SECONDS);
        admitted += counts[0];
        refused += counts[1];
      }
      assertThat(admitted).isEqualTo(50);
      assertThat(refused).isEqualTo(threads * perThread - 50);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void admittedResponsesCarryTheIetfFieldsAndRefusalsTheProblemBody() throws Exception {
    HttpResponse<String> first = get("/count", "X-API-Key", "fields");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("counted");
    assertThat(first.headers().allValues("RateLimit-Policy"))
        .containsExactly("\"count\";q=50;w=3600");
    assertThat(first.headers().firstValue("RateLimit").orElseThrow())
        .startsWith("\"count\";r=49;t=");
    assertThat(first.headers().map().keySet())
        .noneMatch(name -> name.toLowerCase(java.util.Locale.ROOT).startsWith("x-ratelimit"));
    // a LimitResolver bean: gold- keys get ten times the limit
    assertThat(get("/count", "X-API-Key", "gold-1").headers().allValues("RateLimit-Policy"))
        .containsExactly("\"count\";q=500;w=3600");
  }

  @Test
  void aPolicyOverrideInApplicationPropertiesReplacesTheAnnotationsMax() throws Exception {
    assertThat(get("/overridden", "X-API-Key", "o1").statusCode()).isEqualTo(200);
    assertThat(get("/overridden", "X-API-Key", "o1").statusCode()).isEqualTo(200);
    HttpResponse<String> refused = get("/overridden", "X-API-Key", "o1");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("RateLimit-Policy"))
        .hasValue("\"overridden\";q=2;w=3600");
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(refused.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(refused.body())
        .startsWith("{\"type\":\"https://limiter.dev/problems/rate-limited\"")
        .contains("\"violated_policies\":[\"overridden\"]");
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(3600L, 3672L);
  }

  @Test
  void profileYamlAndEnvironmentVariableFormsAreRead() throws Exception {
    for (String path : List.of("/profiled", "/yamled", "/envform")) {
      assertThat(get(path, "X-API-Key", "p1").statusCode()).as(path).isEqualTo(200);
      assertThat(get(path, "X-API-Key", "p1").statusCode()).as(path).isEqualTo(429);
    }
    assertThat(limiter.config().get("ratelimit.profiled.max")).hasValue("1");
    assertThat(limiter.config().sourceOf("ratelimit.profiled.max")).isEqualTo("Spring Environment");
  }

  @Test
  void classAndMethodLimitsBothApply() throws Exception {
    HttpResponse<String> a = get("/classy/a", "X-API-Key", "c1");
    assertThat(a.headers().firstValue("RateLimit-Policy"))
        .hasValue("\"classy\";q=3;w=3600, \"classy-a\";q=10;w=3600");
    assertThat(get("/classy/b", "X-API-Key", "c1").statusCode()).isEqualTo(200);
    assertThat(get("/classy/a", "X-API-Key", "c1").statusCode()).isEqualTo(200);
    HttpResponse<String> refused = get("/classy/b", "X-API-Key", "c1");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.body()).contains("\"violated_policies\":[\"classy\"]");
  }

  @Test
  void pathKeysReadTheUriTemplateVariable() throws Exception {
    assertThat(get("/users/u1/orders").statusCode()).isEqualTo(200);
    assertThat(get("/users/u1/orders").statusCode()).isEqualTo(429);
    assertThat(get("/users/u2/orders").statusCode()).isEqualTo(200);
  }

  @Test
  void ipKeysTrustTheForwardingHeaderOfTheProxiesListedInYaml() throws Exception {
    assertThat(get("/ip", "X-Forwarded-For", "203.0.113.9").statusCode()).isEqualTo(200);
    assertThat(get("/ip", "X-Forwarded-For", "10.1.2.3, 203.0.113.9").statusCode()).isEqualTo(429);
    assertThat(get("/ip", "X-Forwarded-For", "203.0.113.10").statusCode()).isEqualTo(200);
  }

  @Test
  void principalKeysReadTheSpringSecurityUser() throws Exception {
    assertThat(get("/secure/me").statusCode()).isEqualTo(401); // Spring Security's own answer
    String alice = basic("alice", "alice-secret");
    HttpResponse<String> first = get("/secure/me", "Authorization", alice);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"me\";r=0;");
    assertThat(get("/secure/me", "Authorization", alice).statusCode()).isEqualTo(429);
    assertThat(get("/secure/me", "Authorization", basic("bob", "bob-secret")).statusCode())
        .isEqualTo(200);
    // permitted to anyone, keyed on the principal: the anonymous user has none
    HttpResponse<String> anonymous = get("/anyone");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.body()).contains("lacks an authenticated user");
    assertThat(get("/anyone", "Authorization", alice).statusCode()).isEqualTo(200);
  }

  @Test
  void handlersWithoutLimitsGetNoRateLimitFields() throws Exception {
    HttpResponse<String> open = get("/open", "Origin", "https://app.example");
    assertThat(open.statusCode()).isEqualTo(200);
    assertThat(open.headers().map().keySet())
        .noneMatch(name -> name.toLowerCase(java.util.Locale.ROOT).contains("ratelimit"));
  }
}
