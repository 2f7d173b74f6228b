/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.webmvc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.RateLimiter;
import dev.limiter.servlet.RateLimitFilter;
import dev.limiter.testing.RawHttp;
import dev.limiter.testing.RawHttp.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The interceptor in a plain Spring MVC application on embedded Tomcat 10.1, over real HTTP; beside
 * it, in the same Tomcat, servlets behind the servlet filter with the same policies, store, clock
 * and contract, whose answers must be the same bytes.
 */
class RateLimitInterceptorTest {

  private static MvcTomcat server;
  private static RateLimiter servletLimiter;
  private static int port;

  @BeforeAll
  static void start() {
    servletLimiter =
        RateLimiter.builder()
            .store(TestApplication.store())
            .config(TestApplication.config())
            .build();
    RateLimitFilter filter = new RateLimitFilter(servletLimiter, TestApplication.contract());
    server =
        new MvcTomcat(TestApplication.WebConfig.class)
            .filter(new TestAuthentication())
            .servlet("/servlet/compare", new TestApplication.CompareServlet(), filter)
            .servlet("/servlet/compare-tenant", new TestApplication.TenantServlet(), filter)
            .start();
    port = server.port();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    servletLimiter.close();
  }

  private static Reply get(String target, String... fields) throws IOException {
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
    return fields;
  }

  @Test
  void answersWithTheServletFiltersBytes() throws IOException {
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
      String[] fields = java.util.Arrays.copyOfRange(request, 1, request.length);
      Reply spring = get(request[0], fields);
      Reply servlet = get("/servlet" + request[0], fields);
      String what = String.join(" ", request);
      assertThat(spring.status()).as(what).isEqualTo(servlet.status());
      assertThat(contractFields(spring)).as(what).isEqualTo(contractFields(servlet));
      if (spring.status() != 200) {
        assertThat(spring.body().getBytes(StandardCharsets.UTF_8))
            .as(what)
            .isEqualTo(servlet.body().getBytes(StandardCharsets.UTF_8));
      }
      statuses.add(spring.status());
    }
    assertThat(statuses).containsExactly(200, 200, 429, 429, 401, 400, 200, 503, 503);
  }

  @Test
  void admittedAndRefusedResponsesCarryTheContractFields() throws IOException {
    Reply first = get("/compare", "X-API-Key: fields-1");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("ok");
    assertThat(first.values("X-RateLimit-Limit")).containsExactly("2");
    assertThat(first.values("X-RateLimit-Remaining")).containsExactly("1");
    assertThat(first.values("X-RateLimit-Policy")).containsExactly("compare");
    assertThat(first.values("RateLimit-Policy")).containsExactly("\"compare\";q=2;w=60");
    get("/compare", "X-API-Key: fields-1");
    Reply refused = get("/compare", "X-API-Key: fields-1");
    assertThat(refused.status()).isEqualTo(429);
    // a sliding window gives units back up to a sub-window late: between 60 and 62 seconds (61.2,
    // rounded up)
    assertThat(refused.values("Retry-After")).hasSize(1);
    int retryAfter = Integer.parseInt(refused.values("Retry-After").get(0));
    assertThat(retryAfter).isBetween(60, 62);
    assertThat(refused.values("Cache-Control")).containsExactly("no-store");
    assertThat(refused.body()).contains("\"retry_after\":" + retryAfter + ",");
    assertThat(refused.values("Content-Type")).containsExactly("application/problem+json");
    assertThat(refused.body()).contains("\"violated_policies\":[\"compare\"]");
  }

  @Test
  void classAndMethodLimitsBothApplyAndTheClassLimitIsOneCounterForItsMethods() throws IOException {
    Reply a = get("/api/a", "X-API-Key: class-1");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.values("RateLimit-Policy"))
        .containsExactly("\"api\";q=3;w=60, \"api-a\";q=10;w=60");
    Reply b = get("/api/b", "X-API-Key: class-1");
    assertThat(b.values("RateLimit-Policy")).containsExactly("\"api\";q=3;w=60");
    assertThat(b.values("X-RateLimit-Remaining")).containsExactly("1");
    assertThat(get("/api/a", "X-API-Key: class-1").status()).isEqualTo(200);
    Reply refused = get("/api/b", "X-API-Key: class-1");
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.values("X-RateLimit-Policy")).containsExactly("api");
    assertThat(get("/api/a", "X-API-Key: class-2").status()).isEqualTo(200);
  }

  @Test
  void methodsThatShareAPolicyNameShareItsCounter() throws IOException {
    assertThat(get("/shared/x", "X-API-Key: shared-1").status()).isEqualTo(200);
    assertThat(get("/shared/y", "X-API-Key: shared-1").status()).isEqualTo(200);
    assertThat(get("/shared/x", "X-API-Key: shared-1").status()).isEqualTo(429);
    assertThat(get("/shared/y", "X-API-Key: shared-1").status()).isEqualTo(429);
  }

  @Test
  void pathKeysReadTheUriTemplateVariables() throws IOException {
    assertThat(get("/items/one").status()).isEqualTo(200);
    assertThat(get("/items/one").status()).isEqualTo(429);
    assertThat(get("/items/two").status()).isEqualTo(200);
    // decoded by the handler mapping: %6Fne is one
    assertThat(get("/items/%6Fne").status()).isEqualTo(429);
  }

  @Test
  void queryKeysReadTheDecodedQueryParameter() throws IOException {
    assertThat(get("/search?q=a+b").status()).isEqualTo(200);
    assertThat(get("/search?x=1&q=a%20b").status()).isEqualTo(429);
    assertThat(get("/search?q=c").status()).isEqualTo(200);
    Reply missing = get("/search?qq=c");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.body()).contains("query parameter q");
  }

  @Test
  void ipKeysBelieveForwardingHeadersOnlyFromTrustedProxies() throws IOException {
    // the peer, 127.0.0.1, is the one trusted proxy: the client is the hop before it
    assertThat(get("/ip", "X-Forwarded-For: 198.51.100.1").status()).isEqualTo(200);
    assertThat(get("/ip", "X-Forwarded-For: 198.51.100.1").status()).isEqualTo(429);
    assertThat(get("/ip", "X-Forwarded-For: 198.51.100.2").status()).isEqualTo(200);
    // a client that claims to be behind a trusted proxy is its own address
    assertThat(get("/ip", "X-Forwarded-For: 198.51.100.3, 127.0.0.1").status()).isEqualTo(200);
    assertThat(get("/ip", "X-Forwarded-For: 198.51.100.3").status()).isEqualTo(429);
  }

  @Test
  void principalKeysReadTheUserPrincipalThenSpringSecurity() throws IOException {
    assertThat(get("/me", "X-Servlet-User: alice").status()).isEqualTo(200);
    assertThat(get("/me", "X-Servlet-User: alice").status()).isEqualTo(429);
    assertThat(get("/me", "X-Security-User: alice").status()).isEqualTo(429);
    assertThat(get("/me", "X-Security-User: bob").status()).isEqualTo(200);
    assertThat(get("/me", "X-Servlet-User: bob").status()).isEqualTo(429);
    Reply anonymous = get("/me", "X-Anonymous: yes");
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(get("/me").status()).isEqualTo(401);
  }

  @Test
  void anAsynchronousHandlerIsCountedOnce() throws IOException {
    Reply first = get("/async", "X-API-Key: async-1");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("later");
    assertThat(first.values("X-RateLimit-Remaining")).containsExactly("1");
    assertThat(get("/async", "X-API-Key: async-1").status()).isEqualTo(200);
    assertThat(get("/async", "X-API-Key: async-1").status()).isEqualTo(429);
  }

  @Test
  void handlersWithoutLimitsGetNoRateLimitFields() throws IOException {
    Reply open = get("/open", "X-API-Key: open-1", "Origin: https://app.example");
    assertThat(open.status()).isEqualTo(200);
    assertThat(open.body()).isEqualTo("open");
    assertThat(contractFields(open)).isEmpty();
    Reply missing = get("/nothing-here");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.names())
        .noneMatch(name -> name.contains("ratelimit") || name.equals("retry-after"));
  }

  @Test
  void hostileRequestsGetWellFormedAnswersAndNever500() throws IOException {
    String longKey = "k".repeat(10_000);
    String[][] requests = {
      {"/compare", "X-API-Key: " + longKey},
      {"/compare", "X-API-Key: \u00ff\u00fe obs-text"},
      {"/compare-tenant", "X-Tenant: "},
      {"/search?q=%ZZ%E2%82%"},
      {"/search?q=%00%0D%0ASet-Cookie:%20x=1"},
      {"/items/%E2%82", "X-API-Key: x"},
      {"/items/%0D%0AX-Injected:%201"},
      {"/ip", "X-Forwarded-For: not-an-address, ::ffff:zz, 999.1.1.1"},
      {"/ip", "X-Forwarded-For: " + "1.2.3.4, ".repeat(200) + "5.6.7.8"},
      {"/me", "X-Servlet-User: \u00e9\u00e8"},
    };
    for (String[] request : requests) {
      String[] fields = java.util.Arrays.copyOfRange(request, 1, request.length);
      Reply reply = get(request[0], fields); // RawHttp checks the answer is well-formed
      assertThat(reply.status()).as(request[0]).isBetween(200, 499);
      assertThat(reply.names()).as(request[0]).doesNotContain("x-injected", "set-cookie");
    }
  }
}
