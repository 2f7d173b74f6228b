/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.limiter.RateLimiter;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.http.HttpContract;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The filter declared as in {@code web.xml}: built by the container from its class name, configured
 * by init-params only (store, header dialect, trusted proxies, and a properties file inside the web
 * application, here an unpacked directory, that declares URL policies and an override); on Jetty
 * and on Tomcat. A bad init-param fails the start on both: Jetty's start throws, Tomcat logs the
 * failed context (see {@link TomcatServer}).
 */
@ParameterizedClass
@EnumSource(Container.class)
class InitParamTest {

  @TempDir static Path webapp;
  private static TestServer server;

  @Parameter Container container;

  @BeforeAll
  static void writeTheProperties() throws Exception {
    Path webInf = Files.createDirectories(webapp.resolve("WEB-INF"));
    Files.writeString(
        webInf.resolve("ratelimit.properties"),
        String.join(
            "\n",
            "ratelimit.class-limited.max=3",
            "ratelimit.url.policies=reports",
            "ratelimit.url.reports.pattern=/reports/*",
            "ratelimit.url.reports.window=1h",
            "ratelimit.url.reports.max=1",
            "ratelimit.url.reports.key=header:X-Tenant",
            "ratelimit.url.reports.algorithm=fixed_window",
            "ratelimit.url.reports.methods=POST",
            ""));
    Files.writeString(webInf.resolve("bad.properties"), "ratelimit.class-limited.max=many\n");
  }

  @BeforeParameterizedClassInvocation
  static void start(Container container) throws Exception {
    server =
        container.start(
            webapp()
                .filter(
                    "rate-limit",
                    RateLimitFilter.class,
                    Map.of(
                        "ratelimit.store", "caffeine",
                        "ratelimit.headers", "ietf",
                        "ratelimit.trusted-proxies", "127.0.0.1, ::1",
                        "ratelimit.config", "/WEB-INF/ratelimit.properties"),
                    "/*"));
  }

  @AfterParameterizedClassInvocation
  static void stop() throws Exception {
    server.close();
  }

  private static Webapp webapp() {
    return Webapp.at("/")
        .root(webapp)
        .servlet(TestServlets.ClassLimited.class, "/class")
        .servlet(TestServlets.IpKeyed.class, "/ip")
        .servlet(TestServlets.Plain.class, "/reports/*");
  }

  private static Webapp webapp(Map<String, String> initParams) {
    return webapp().filter("rate-limit", RateLimitFilter.class, initParams, "/*");
  }

  @Test
  void ietfDialectFromTheInitParamWithTheOverrideFromTheFile() throws Exception {
    HttpResponse<String> response = server.get("/class", "X-API-Key", "ietf");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("RateLimit-Policy"))
        .hasValue("\"class-limited\";q=3;w=60");
    assertThat(response.headers().firstValue("RateLimit"))
        .hasValueSatisfying(value -> assertThat(value).matches("\"class-limited\";r=2;t=\\d+"));
    assertThat(response.headers().firstValue("X-RateLimit-Limit")).isEmpty();
  }

  @Test
  void trustedProxyForwardsTheClientAddress() throws Exception {
    assertThat(server.get("/ip", "X-Forwarded-For", "203.0.113.5").statusCode()).isEqualTo(200);
    assertThat(server.get("/ip", "X-Forwarded-For", "198.51.100.1, 203.0.113.5").statusCode())
        .isEqualTo(429);
    assertThat(server.get("/ip", "X-Forwarded-For", "203.0.113.6").statusCode()).isEqualTo(200);
    assertThat(server.get("/ip", "Forwarded", "for=\"[2001:db8::7]:4711\"").statusCode())
        .isEqualTo(200);
    assertThat(server.get("/ip", "Forwarded", "for=2001:db8::7").statusCode())
        .as("the same client, written without brackets and port")
        .isEqualTo(429);
  }

  @Test
  void urlPolicyFromTheFileAppliesToItsMethodsOnly() throws Exception {
    HttpResponse<String> first = server.send("POST", "/reports/q1", "X-Tenant", "acme");
    HttpResponse<String> second = server.send("POST", "/reports/q2", "X-Tenant", "acme");
    HttpResponse<String> get = server.get("/reports/q1", "X-Tenant", "acme");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("RateLimit-Policy")).hasValue("\"reports\";q=1;w=3600");
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.headers().firstValue("RateLimit")).isEmpty();
  }

  static Stream<Arguments> badInitParams() {
    return Stream.of(
        Arguments.of(Map.of("ratelimit.headers", "xml"), List.of("ratelimit.headers", "xml")),
        Arguments.of(Map.of("ratelimit.trusted-proxies", "10.0.0.0/33"), List.of("10.0.0.0/33")),
        Arguments.of(
            Map.of("ratelimit.store", "redis"), List.of("ratelimit.store=redis", "caffeine")),
        Arguments.of(Map.of("ratelimt.store", "caffeine"), List.of("init-param ratelimt.store")),
        Arguments.of(
            Map.of("ratelimit.config", "/no/such/ratelimit.properties"),
            List.of(
                "init-param ratelimit.config=\"/no/such/ratelimit.properties\" names no file",
                "the web application has no file /no/such/ratelimit.properties",
                "there is none at /no/such/ratelimit.properties on the file system")),
        Arguments.of(
            Map.of("ratelimit.config", "/WEB-INF/bad.properties"),
            List.of(
                "ratelimit.class-limited.max=\"many\" (from /WEB-INF/bad.properties in the web"
                    + " application (",
                "bad.properties)",
                "not a whole number")),
        Arguments.of(
            Map.of("ratelimit.config", "WEB-INF/ratelimit.properties"),
            List.of(
                "init-param ratelimit.config=\"WEB-INF/ratelimit.properties\" names no file",
                "is named from its root, such as /WEB-INF/ratelimit.properties")),
        Arguments.of(
            Map.of("ratelimit.url.policies", "downloads"),
            List.of("ratelimit.url.downloads.pattern is missing")),
        Arguments.of(
            Map.of(
                "ratelimit.url.policies",
                "downloads",
                "ratelimit.url.downloads.pattern",
                "files/*",
                "ratelimit.url.downloads.window",
                "1m",
                "ratelimit.url.downloads.max",
                "5",
                "ratelimit.url.downloads.key",
                "ip"),
            List.of("ratelimit.url.downloads.pattern", "\"files/*\"")),
        Arguments.of(
            Map.of(
                "ratelimit.url.policies",
                "downloads",
                "ratelimit.url.downloads.pattern",
                "/files/*",
                "ratelimit.url.downloads.window",
                "1m",
                "ratelimit.url.downloads.max",
                "5",
                "ratelimit.url.downloads.key",
                "cookie:session"),
            List.of("ratelimit.url.downloads.key", "cookie:session")),
        Arguments.of(
            Map.of(
                "ratelimit.url.policies",
                "items",
                "ratelimit.url.items.pattern",
                "/items/*",
                "ratelimit.url.items.window",
                "1m",
                "ratelimit.url.items.max",
                "5",
                "ratelimit.url.items.key",
                "path:id"),
            List.of("ratelimit.url.items.key", "path:id", "has no path parameters")),
        Arguments.of(
            urlPolicy("busy", "kind", "concurrency", "window", "1m"),
            List.of(
                "invalid ratelimit.url.busy.window=\"1m\"",
                "a policy of ratelimit.url.busy.kind=concurrency counts the requests in flight")),
        Arguments.of(
            urlPolicy("busy", "kind", "concurrency", "lease", "1s"),
            List.of("invalid ratelimit.url.busy.lease=\"1s\"", "must be at least 3s")),
        Arguments.of(
            urlPolicy("busy", "kind", "parallel", "window", "1m"),
            List.of("invalid ratelimit.url.busy.kind=\"parallel\"", "concurrency")),
        Arguments.of(
            urlPolicy("login", "window", "15m", "count-on", "40x"),
            List.of("invalid ratelimit.url.login.count-on=\"40x\"", "is not a status")),
        Arguments.of(
            urlPolicy("login", "window", "15m", "unless", "cookie:session"),
            List.of("invalid ratelimit.url.login.unless=\"cookie:session\"")),
        Arguments.of(
            urlPolicy("login", "window", "15m", "optional", "maybe"),
            List.of("invalid ratelimit.url.login.optional=\"maybe\": use true or false")),
        Arguments.of(
            urlPolicy("pay", "window", "1h", "idempotency-header", "X-Request-Id"),
            List.of(
                "invalid ratelimit.url.pay.idempotency-header=\"X-Request-Id\"",
                "turned on by ratelimit.url.pay.idempotency-window")),
        Arguments.of(
            urlPolicy("pay", "window", "1h", "idempotency-window", "forever"),
            List.of("invalid ratelimit.url.pay.idempotency-window=\"forever\"")),
        Arguments.of(
            Map.of("ratelimit.class-limited.max", "many"),
            List.of(
                "ratelimit.class-limited.max=\"many\" (from init-param of filter rate-limit)",
                "not a whole number")));
  }

  /**
   * The init-params of one URL policy on {@code /x/*}, with max 5 and key ip, and the keys and
   * values given (alternating, without the policy's prefix).
   */
  private static Map<String, String> urlPolicy(String name, String... keysAndValues) {
    Map<String, String> params = new HashMap<>();
    params.put("ratelimit.url.policies", name);
    params.put("ratelimit.url." + name + ".pattern", "/x/*");
    params.put("ratelimit.url." + name + ".max", "5");
    params.put("ratelimit.url." + name + ".key", "ip");
    for (int i = 0; i < keysAndValues.length; i += 2) {
      params.put("ratelimit.url." + name + "." + keysAndValues[i], keysAndValues[i + 1]);
    }
    return params;
  }

  @ParameterizedTest
  @MethodSource("badInitParams")
  void badInitParamFailsTheStartNamingIt(Map<String, String> initParams, List<String> mentioned) {
    Throwable failure = catchThrowable(() -> container.start(webapp(initParams)).close());

    assertThat(messages(failure))
        .contains("RateLimitFilter \"rate-limit\" cannot start")
        .contains(mentioned);
  }

  @Test
  void invalidAnnotationOnARegisteredServletFailsTheStart() {
    Webapp broken = webapp(Map.of()).servlet(TestServlets.InvalidWindow.class, "/broken");

    Throwable failure = catchThrowable(() -> container.start(broken).close());

    assertThat(messages(failure))
        .contains("TestServlets$InvalidWindow#doGet", "attribute window", "\"60x\"");
  }

  /** A servlet has no path parameters, so {@code path:} would answer 400 to every request. */
  @Test
  void aPathKeyOnAServletFailsTheStart() {
    Webapp broken = webapp(Map.of()).servlet(TestServlets.PathKeyed.class, "/items/*");

    Throwable failure = catchThrowable(() -> container.start(broken).close());

    assertThat(messages(failure))
        .contains(
            "TestServlets$PathKeyed#doGet", "attribute key", "path:id", "has no path parameters");
  }

  /** A file-system path is read as it was before the web application's resources were. */
  @Test
  void aFileSystemPathIsReadFromTheFileSystem(@TempDir Path elsewhere) throws Exception {
    Path file =
        Files.writeString(
            elsewhere.resolve("limits.properties"), "ratelimit.class-limited.max=5\n");
    TestServer own = container.start(webapp(Map.of("ratelimit.config", file.toString())));
    try {
      HttpResponse<String> response = own.get("/class", "X-API-Key", "file-system");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("X-RateLimit-Limit")).hasValue("5");
    } finally {
      own.close();
    }
  }

  @Test
  void filterGivenALimiterRefusesInitParams() {
    try (RateLimiter limiter = RateLimiter.builder().store(CaffeineStore.ofDefaults()).build()) {
      Webapp given =
          webapp()
              .filter(
                  "rate-limit",
                  new RateLimitFilter(limiter, HttpContract.from(limiter.config())),
                  Map.of("ratelimit.headers", "ietf"),
                  "/*");

      Throwable failure = catchThrowable(() -> container.start(given).close());

      assertThat(messages(failure)).contains("ratelimit.headers", "was given a RateLimiter");
    }
  }

  /** The messages of a failure and its causes and suppressed exceptions, one per line. */
  private static String messages(Throwable failure) {
    assertThat(failure).as("the server must not start").isNotNull();
    List<String> messages = new ArrayList<>();
    collect(failure, messages, 0);
    return String.join("\n", messages);
  }

  private static void collect(Throwable t, List<String> messages, int depth) {
    if (t == null || depth > 10) {
      return;
    }
    messages.add(t.getClass().getName() + ": " + t.getMessage());
    collect(t.getCause(), messages, depth + 1);
    for (Throwable suppressed : t.getSuppressed()) {
      collect(suppressed, messages, depth + 1);
    }
  }
}
