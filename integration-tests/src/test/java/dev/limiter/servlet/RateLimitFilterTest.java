/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.Admission;
import dev.limiter.ManualClock;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimiter;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.http.HttpContract;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.StoreException;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The filter added in code ({@code new RateLimitFilter(limiter, contract)}) in a real Jetty 12 and
 * a real Tomcat 11, with a Caffeine store on a manual clock; one server per container for the
 * class. Every test uses its own keys, so the shared server's counters do not interfere.
 */
@ParameterizedClass
@EnumSource(Container.class)
class RateLimitFilterTest {

  @Parameter Container container;

  private static final ManualClock CLOCK = ManualClock.at(Instant.parse("2030-01-01T00:00:00Z"));
  private static RateLimiter limiter;

  /** A limiter whose store cannot answer and refuses, as a store in FAIL_CLOSED mode does. */
  private static RateLimiter unavailable;

  /** Limiters with two URL policies, and with 66 (past what a 64-bit mask of matches holds). */
  private static RateLimiter twoPolicies;

  private static RateLimiter manyPolicies;

  private static TestServer server;

  /**
   * URL policies {@code plain} on {@code /plain/*} (3 a minute) and {@code pdf} on {@code *.pdf}
   * (1), after {@code unmatched} others.
   */
  private static RateLimitConfig urlPolicies(int unmatched) {
    RateLimitConfig.Builder config =
        RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of());
    List<String> names = new ArrayList<>();
    for (int i = 0; i < unmatched; i++) {
      names.add("other" + i);
      config.set("ratelimit.url.other" + i + ".pattern", "/never/" + i);
      config.set("ratelimit.url.other" + i + ".window", "1m");
      config.set("ratelimit.url.other" + i + ".max", "1");
      config.set("ratelimit.url.other" + i + ".key", "ip");
    }
    names.add("plain");
    config.set("ratelimit.url.plain.pattern", "/plain/*");
    config.set("ratelimit.url.plain.max", "3");
    names.add("pdf");
    config.set("ratelimit.url.pdf.pattern", "*.pdf");
    config.set("ratelimit.url.pdf.max", "1");
    for (String name : List.of("plain", "pdf")) {
      config.set("ratelimit.url." + name + ".window", "1m");
      config.set("ratelimit.url." + name + ".key", "apiKey");
    }
    return config.set("ratelimit.url.policies", String.join(",", names)).build();
  }

  @BeforeParameterizedClassInvocation
  static void start(Container container) throws Exception {
    RateLimitConfig config =
        RateLimitConfig.builder()
            .environment(Map.of())
            .systemProperties(Map.of())
            .set("ratelimit.url.policies", "downloads")
            .set("ratelimit.url.downloads.pattern", "/files/*, *.pdf")
            .set("ratelimit.url.downloads.window", "1m")
            .set("ratelimit.url.downloads.max", "2")
            .set("ratelimit.url.downloads.key", "apiKey")
            .build();
    limiter =
        RateLimiter.builder()
            .store(CaffeineStore.builder().clock(CLOCK).build())
            .config(config)
            .build();
    RateLimitStore failing =
        (key, step, result) -> {
          throw new StoreException("the test store is down", null, Duration.ofSeconds(3));
        };
    unavailable = RateLimiter.builder().store(failing).config(config).build();
    Filter committing =
        (request, response, chain) -> {
          response.getWriter().write("early");
          response.flushBuffer();
          chain.doFilter(request, response);
        };
    Filter cors =
        (request, response, chain) -> {
          HttpServletResponse http = (HttpServletResponse) response;
          http.addHeader("Access-Control-Expose-Headers", "X-Trace-Id");
          http.setHeader("X-RateLimit-Limit", "999");
          chain.doFilter(request, response);
        };
    Filter admittedBefore =
        (request, response, chain) -> {
          // what an adapter that decided before a forward leaves on the request
          request.setAttribute(Admission.ATTRIBUTE, limiter.admit(limiter.limits(List.of())));
          chain.doFilter(request, response);
        };
    Webapp root =
        Webapp.at("/")
            .filter("committing", committing, "/committed/*")
            .filter("admitted-before", admittedBefore, "/admitted/*")
            .filter("cors", cors, "/cors/*")
            .filter("rate-limit", new RateLimitFilter(limiter, HttpContract.from(config)), "/*")
            .servlet(TestServlets.ClassLimited.class, "/class")
            .servlet(TestServlets.ClassLimited.class, "/committed/*")
            .servlet(TestServlets.ClassLimited.class, "/cors/*")
            .servlet(TestServlets.ClassLimited.class, "/admitted/*")
            .servlet(new TestServlets.ClassLimited(), "/instance")
            .servlet(TestServlets.MethodLimited.class, "/method")
            .asyncServlet(TestServlets.Async.class, "/async")
            .servlet(TestServlets.QueryKeyed.class, "/query")
            .servlet(TestServlets.Plain.class, "/files/*")
            .servlet(TestServlets.Plain.class, "/plain/*")
            .servlet(TestServlets.Plain.class, "/health");
    twoPolicies =
        RateLimiter.builder()
            .store(CaffeineStore.builder().clock(CLOCK).build())
            .config(urlPolicies(0))
            .build();
    manyPolicies =
        RateLimiter.builder()
            .store(CaffeineStore.builder().clock(CLOCK).build())
            .config(urlPolicies(64))
            .build();
    Webapp two =
        Webapp.at("/two")
            .filter("rate-limit", new RateLimitFilter(twoPolicies, HttpContract.from(config)), "/*")
            .servlet(TestServlets.Plain.class, "/plain/*");
    Webapp many =
        Webapp.at("/many")
            .filter(
                "rate-limit", new RateLimitFilter(manyPolicies, HttpContract.from(config)), "/*")
            .servlet(TestServlets.Plain.class, "/plain/*");
    Webapp down =
        Webapp.at("/down")
            .filter("rate-limit", new RateLimitFilter(unavailable, HttpContract.from(config)), "/*")
            .servlet(TestServlets.ClassLimited.class, "/class");
    server = container.start(root, down, two, many);
  }

  @AfterParameterizedClassInvocation
  static void stop() throws Exception {
    try {
      server.close();
    } finally {
      limiter.close();
      unavailable.close();
      twoPolicies.close();
      manyPolicies.close();
    }
  }

  @Test
  void aRequestThatCarriesAnAdmissionAlreadyIsNotDecidedAgain() throws Exception {
    for (int i = 0; i < 3; i++) { // the servlet's limit is 2
      HttpResponse<String> response = server.get("/admitted/x", "X-API-Key", "admitted-before");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("X-RateLimit-Limit")).isEmpty();
    }
    assertThat(server.get("/class", "X-API-Key", "admitted-before").statusCode())
        .as("the same key, not counted by the requests before")
        .isEqualTo(200);
  }

  /**
   * One servlet whose requests match different sets of URL policies in turn: each request gets the
   * limits of its own set, with two policies and with 66, where the filter keys its cache
   * differently.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/two", "/many"})
  void eachRequestGetsTheLimitsOfTheUrlPoliciesItMatches(String context) throws Exception {
    HttpResponse<String> plain = server.get(context + "/plain/a", "X-API-Key", "sets");
    HttpResponse<String> pdf = server.get(context + "/plain/b.pdf", "X-API-Key", "sets");
    HttpResponse<String> plainAgain = server.get(context + "/plain/c", "X-API-Key", "sets");
    HttpResponse<String> pdfAgain = server.get(context + "/plain/d.pdf", "X-API-Key", "sets");
    HttpResponse<String> other = server.get(context + "/plain/e.txt", "X-API-Key", "sets");

    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(header(plain, "X-RateLimit-Policy")).isEqualTo("plain");
    assertThat(header(plain, "X-RateLimit-Remaining")).isEqualTo("2");
    assertThat(pdf.statusCode()).isEqualTo(200);
    assertThat(header(pdf, "X-RateLimit-Policy")).isEqualTo("pdf");
    assertThat(header(pdf, "X-RateLimit-Remaining")).isEqualTo("0");
    assertThat(plainAgain.statusCode()).isEqualTo(200);
    assertThat(header(plainAgain, "X-RateLimit-Policy")).isEqualTo("plain");
    assertThat(header(plainAgain, "X-RateLimit-Remaining")).isEqualTo("0");
    assertThat(pdfAgain.statusCode()).isEqualTo(429);
    assertThat(other.statusCode()).isEqualTo(429);
    assertThat(other.body()).contains("plain");
  }

  @Test
  void allowedResponsesCarryTheHeaders() throws Exception {
    long now = CLOCK.instant().getEpochSecond();

    HttpResponse<String> first = server.get("/class", "X-API-Key", "allowed");
    HttpResponse<String> second = server.get("/class", "X-API-Key", "allowed");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("class");
    assertThat(header(first, "X-RateLimit-Limit")).isEqualTo("2");
    assertThat(header(first, "X-RateLimit-Remaining")).isEqualTo("1");
    assertThat(header(first, "X-RateLimit-Policy")).isEqualTo("class-limited");
    assertThat(Long.parseLong(header(first, "X-RateLimit-Reset")))
        .isBetween(now, now + 62); // a sliding window returns units up to 1/50 window late
    assertThat(header(second, "X-RateLimit-Remaining")).isEqualTo("0");
    assertThat(first.headers().firstValue("Access-Control-Expose-Headers")).isEmpty();
  }

  @Test
  void rejectionIs429WithRetryAfterNoStoreAndAProblemBody() throws Exception {
    server.get("/class", "X-API-Key", "rejected");
    server.get("/class", "X-API-Key", "rejected");

    HttpResponse<String> rejected = server.get("/class", "X-API-Key", "rejected");

    assertThat(rejected.statusCode()).isEqualTo(429);
    long retryAfter = Long.parseLong(header(rejected, "Retry-After"));
    assertThat(retryAfter).isBetween(1L, 66L);
    assertThat(header(rejected, "Cache-Control")).isEqualTo("no-store");
    assertThat(header(rejected, "Content-Type")).startsWith("application/problem+json");
    assertThat(header(rejected, "X-RateLimit-Remaining")).isEqualTo("0");
    assertThat(header(rejected, "X-RateLimit-Policy")).isEqualTo("class-limited");
    assertThat(rejected.body())
        .containsPattern("\"status\"\\s*:\\s*429")
        .containsPattern("\"policy\"\\s*:\\s*\"class-limited\"")
        .containsPattern("\"limit\"\\s*:\\s*2")
        .containsPattern("\"retry_after\"\\s*:\\s*" + retryAfter)
        .containsPattern("\"violated_policies\"\\s*:\\s*\\[\\s*\"class-limited\"\\s*]")
        .contains("\"type\"", "\"title\"", "\"detail\"")
        .startsWith("{")
        .endsWith("}");
    assertThat(header(rejected, "Content-Length"))
        .isEqualTo(
            String.valueOf(
                rejected.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));

    CLOCK.advance(Duration.ofSeconds(retryAfter));
    assertThat(server.get("/class", "X-API-Key", "rejected").statusCode()).isEqualTo(200);
  }

  @Test
  void methodLevelLimitAppliesToGetButNotToPost() throws Exception {
    assertThat(server.get("/method", "X-User", "method").statusCode()).isEqualTo(200);
    assertThat(server.get("/method", "X-User", "method").statusCode()).isEqualTo(429);

    for (int i = 0; i < 3; i++) {
      HttpResponse<String> post = server.send("POST", "/method", "X-User", "method");
      assertThat(post.statusCode()).isEqualTo(200);
      assertThat(post.body()).isEqualTo("post");
      assertThat(post.headers().firstValue("X-RateLimit-Limit")).isEmpty();
    }
  }

  @Test
  void headIsLimitedByDoGetWhenTheServletHasNoDoHead() throws Exception {
    HttpResponse<String> head = server.send("HEAD", "/method", "X-User", "head");

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(header(head, "X-RateLimit-Policy")).isEqualTo("get-only");
    assertThat(server.get("/method", "X-User", "head").statusCode()).isEqualTo(429);
  }

  @Test
  void classLevelLimitAppliesToEveryMethod() throws Exception {
    assertThat(server.send("POST", "/class", "X-API-Key", "class-post").statusCode())
        .isEqualTo(200);
    assertThat(server.get("/class", "X-API-Key", "class-post").statusCode()).isEqualTo(200);
    assertThat(server.send("POST", "/class", "X-API-Key", "class-post").statusCode())
        .isEqualTo(429);
  }

  @Test
  void servletRegisteredAsAnInstanceIsFoundByItsClassAndSharesTheCounter() throws Exception {
    HttpResponse<String> instance = server.get("/instance", "X-API-Key", "instance");
    HttpResponse<String> byClass = server.get("/class", "X-API-Key", "instance");

    assertThat(header(instance, "X-RateLimit-Policy")).isEqualTo("class-limited");
    assertThat(header(byClass, "X-RateLimit-Remaining")).isEqualTo("0");
  }

  @Test
  void urlPatternPolicyLimitsAnUnannotatedServlet() throws Exception {
    HttpResponse<String> prefix = server.get("/files/a.txt", "X-API-Key", "url");
    HttpResponse<String> extension = server.get("/plain/report.pdf", "X-API-Key", "url");
    HttpResponse<String> third = server.get("/files", "X-API-Key", "url");
    HttpResponse<String> unmatched = server.get("/plain/readme.txt", "X-API-Key", "url");

    assertThat(prefix.statusCode()).isEqualTo(200);
    assertThat(header(prefix, "X-RateLimit-Policy")).isEqualTo("downloads");
    assertThat(header(prefix, "X-RateLimit-Remaining")).isEqualTo("1");
    assertThat(extension.statusCode()).isEqualTo(200);
    assertThat(header(extension, "X-RateLimit-Remaining")).isEqualTo("0");
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(third.body()).contains("downloads");
    assertThat(unmatched.statusCode()).isEqualTo(200);
    assertThat(unmatched.headers().firstValue("X-RateLimit-Policy")).isEmpty();
  }

  @Test
  void missingApiKeyIs401AndCountsNothing() throws Exception {
    HttpResponse<String> missing = server.get("/class");

    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(header(missing, "Content-Type")).startsWith("application/problem+json");
    assertThat(missing.body()).containsPattern("\"status\"\\s*:\\s*401").contains("X-API-Key");
    assertThat(server.get("/class", "X-API-Key", "").statusCode()).isEqualTo(401);
  }

  @Test
  void missingQueryParameterIs400() throws Exception {
    HttpResponse<String> missing = server.get("/query?other=1");

    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).containsPattern("\"status\"\\s*:\\s*400").contains("user");
    assertThat(server.get("/query?user=").statusCode()).isEqualTo(400);
  }

  @Test
  void unlimitedServletGetsNoRateLimitHeaders() throws Exception {
    HttpResponse<String> health =
        server.get("/health", "Origin", "https://app.example", "X-API-Key", "k");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("plain");
    assertThat(health.headers().map().keySet())
        .noneMatch(name -> name.toLowerCase(java.util.Locale.ROOT).contains("ratelimit"))
        .noneMatch(name -> name.equalsIgnoreCase("Access-Control-Expose-Headers"))
        .noneMatch(name -> name.equalsIgnoreCase("Retry-After"));
  }

  @Test
  void browserRequestGetsExposeHeaders() throws Exception {
    HttpResponse<String> allowed =
        server.get("/class", "X-API-Key", "origin", "Origin", "https://app.example");
    server.get("/class", "X-API-Key", "origin", "Origin", "https://app.example");
    HttpResponse<String> rejected =
        server.get("/class", "X-API-Key", "origin", "Origin", "https://app.example");

    assertThat(header(allowed, "Access-Control-Expose-Headers"))
        .contains("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset");
    assertThat(rejected.statusCode()).isEqualTo(429);
    assertThat(header(rejected, "Access-Control-Expose-Headers")).contains("X-RateLimit-Remaining");
  }

  @Test
  void asyncServletIsLimitedAndKeepsTheHeaders() throws Exception {
    HttpResponse<String> first = server.get("/async", "X-API-Key", "async");
    HttpResponse<String> second = server.get("/async", "X-API-Key", "async");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("async");
    assertThat(header(first, "X-RateLimit-Policy")).isEqualTo("async");
    assertThat(header(first, "X-RateLimit-Remaining")).isEqualTo("0");
    assertThat(second.statusCode()).isEqualTo(429);
  }

  @Test
  void queryKeyIsDecodedAndAFormBodyIsLeftToTheServlet() throws Exception {
    HttpResponse<String> post =
        server.send(
            "POST",
            "/query?user=%C3%A9t%C3%A9",
            HttpRequest.BodyPublishers.ofString("user=body&x=1"),
            "Content-Type",
            "application/x-www-form-urlencoded");
    HttpResponse<String> sameKeyOtherCase = server.get("/query?x=1&user=%c3%a9t%c3%a9");
    HttpResponse<String> third = server.get("/query?user=%C3%A9t%C3%A9");

    assertThat(post.statusCode()).isEqualTo(200);
    assertThat(post.body()).isEqualTo("été,body");
    assertThat(header(sameKeyOtherCase, "X-RateLimit-Remaining")).isEqualTo("0");
    assertThat(third.statusCode()).isEqualTo(429);
  }

  @Test
  void committedResponseIsLeftAlone() throws Exception {
    HttpResponse<String> first = server.get("/committed/x", "X-API-Key", "committed");
    server.get("/committed/x", "X-API-Key", "committed");
    HttpResponse<String> third = server.get("/committed/x", "X-API-Key", "committed");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("earlyclass");
    assertThat(third.statusCode()).isEqualTo(200);
    assertThat(third.body()).isEqualTo("early");
  }

  /**
   * An earlier filter's exposed names stay beside the limiter's, on an admitted and a rejected
   * response; a rate-limit field it wrote is replaced.
   */
  @Test
  void exposedNamesOfAnEarlierFilterAreKeptAndItsFieldsReplaced() throws Exception {
    String exposed =
        "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-RateLimit-Policy";
    HttpResponse<String> allowed =
        server.get("/cors/a", "X-API-Key", "cors", "Origin", "https://app.example");
    server.get("/cors/a", "X-API-Key", "cors");
    HttpResponse<String> rejected =
        server.get("/cors/a", "X-API-Key", "cors", "Origin", "https://app.example");

    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.headers().allValues("Access-Control-Expose-Headers"))
        .containsExactly("X-Trace-Id", exposed);
    assertThat(allowed.headers().allValues("X-RateLimit-Limit")).containsExactly("2");
    assertThat(rejected.statusCode()).isEqualTo(429);
    assertThat(rejected.headers().allValues("Access-Control-Expose-Headers"))
        .containsExactly("X-Trace-Id", exposed + ", Retry-After");
    assertThat(rejected.headers().allValues("X-RateLimit-Limit")).containsExactly("2");
  }

  @Test
  void invalidAnnotationOnAServletAddedLaterFailsAtFirstSight() throws Exception {
    server.addServlet("/", TestServlets.InvalidWindow.class, "/late");

    HttpResponse<String> late = server.get("/late");

    assertThat(late.statusCode()).isEqualTo(500);
    assertThat(late.body()).doesNotContain("never");
  }

  @Test
  void storeThatCannotAnswerGives503WithRetryAfter() throws Exception {
    HttpResponse<String> response = server.get("/down/class", "X-API-Key", "down");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(header(response, "Retry-After")).isEqualTo("3");
    assertThat(header(response, "Cache-Control")).isEqualTo("no-store");
    assertThat(header(response, "Content-Type")).startsWith("application/problem+json");
    assertThat(response.body()).startsWith("{").containsPattern("\"status\"\\s*:\\s*503");
  }

  private static String header(HttpResponse<String> response, String name) {
    HttpHeaders headers = response.headers();
    return headers
        .firstValue(name)
        .orElseThrow(() -> new AssertionError("no header " + name + " in " + headers.map()));
  }
}
