/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.ManualClock;
import dev.limiter.RateLimitConfig;
import dev.limiter.annotation.RateLimit;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.testing.RawHttp;
import dev.limiter.testing.RawHttp.Reply;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every contract field is on the wire exactly once, on responses the resource returns and on those
 * the runtime writes itself (a status without an entity, a mapped {@code WebApplicationException}),
 * never twice when an exception is not mapped; and an {@code ip} key is the socket peer, whatever a
 * client that is no trusted proxy forwards, or the forwarded address when the peer is trusted. On
 * Jersey the feature sets the fields on the servlet response and reads the peer from the servlet
 * request itself, elsewhere through the runtime; the bytes are the same.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestServer.Container.class)
class FieldsOnceTest {

  private static final ManualClock CLOCK = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));

  private static final List<String> CONTRACT_FIELDS =
      List.of(
          "X-RateLimit-Limit",
          "X-RateLimit-Remaining",
          "X-RateLimit-Reset",
          "X-RateLimit-Policy",
          "RateLimit-Policy",
          "RateLimit",
          "Access-Control-Expose-Headers");

  private static TestServer server;
  private static TestServer trusting;

  /** The container of this run of the class's tests. */
  @Parameter TestServer.Container container;

  /** Limited methods that answer in different ways. */
  @Path("/once")
  public static class Answers {

    @GET
    @Path("ok")
    @RateLimit(name = "once-ok", window = "1m", max = 1000, key = "apiKey")
    public String ok() {
      return "ok";
    }

    @GET
    @Path("unmapped")
    @RateLimit(name = "once-unmapped", window = "1m", max = 1000, key = "apiKey")
    public String unmapped() {
      throw new IllegalStateException("not mapped by the application");
    }

    @GET
    @Path("conflict")
    @RateLimit(name = "once-conflict", window = "1m", max = 1000, key = "apiKey")
    public Response conflict() {
      return Response.status(409).build(); // no entity: Jersey has the container send the error
    }

    @GET
    @Path("missing")
    @RateLimit(name = "once-missing", window = "1m", max = 1000, key = "apiKey")
    public String missing() {
      throw new NotFoundException();
    }

    @GET
    @Path("by-ip")
    @RateLimit(name = "once-ip", window = "1m", max = 1000, key = "ip")
    public String byIp() {
      return "ip";
    }
  }

  private static RateLimitConfig config(String trustedProxies) {
    RateLimitConfig.Builder config =
        RateLimitConfig.builder()
            .environment(Map.of())
            .systemProperties(Map.of())
            .set("ratelimit.headers", "both");
    if (!trustedProxies.isEmpty()) {
      config.set("ratelimit.trusted-proxies", trustedProxies);
    }
    return config.build();
  }

  private static TestServer start(TestServer.Container container, String trustedProxies)
      throws Exception {
    return TestServer.start(
        container,
        TestServer.application(
            List.of(Answers.class),
            RateLimitFeature.builder()
                .store(CaffeineStore.builder().clock(CLOCK).build())
                .config(config(trustedProxies))
                .build()));
  }

  @BeforeParameterizedClassInvocation
  static void start(TestServer.Container container) throws Exception {
    server = start(container, "");
    trusting = start(container, "127.0.0.1/32,::1/128");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    server.close();
    trusting.close();
  }

  @ParameterizedTest
  @CsvSource({"ok,200", "conflict,409", "missing,404"})
  void everyContractFieldIsSentOnce(String path, int status) throws Exception {
    Reply reply =
        RawHttp.exchange(
            server.port(),
            "GET /once/"
                + path
                + " HTTP/1.1\r\nX-API-Key: once-"
                + path
                + "\r\nOrigin: https://app.example\r\n");

    assertThat(reply.status()).isEqualTo(status);
    for (String field : CONTRACT_FIELDS) {
      assertThat(reply.values(field)).as(field + " on " + path).hasSize(1);
    }
    assertThat(reply.values("X-RateLimit-Policy")).containsExactly("once-" + path);
    assertThat(reply.values("X-RateLimit-Remaining")).containsExactly("999");
    assertThat(reply.values("RateLimit-Policy"))
        .containsExactly("\"once-" + path + "\";q=1000;w=60");
  }

  @Test
  void anUnmappedExceptionNeverSendsAFieldTwice() throws Exception {
    // RESTEasy maps it to 500 and runs the response filters; Jersey passes it on to the container,
    // whose 500 carries no contract field
    Reply reply =
        RawHttp.exchange(
            server.port(),
            "GET /once/unmapped HTTP/1.1\r\nX-API-Key: once-unmapped\r\n"
                + "Origin: https://app.example\r\n");

    assertThat(reply.status()).isEqualTo(500);
    int sent = reply.values("X-RateLimit-Limit").size();
    assertThat(sent).isLessThanOrEqualTo(1);
    for (String field : CONTRACT_FIELDS) {
      assertThat(reply.values(field)).as(field).hasSize(sent);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"X-Forwarded-For: 203.0.113.7", "X-Forwarded-For: 203.0.113.8"})
  void aClientThatIsNoTrustedProxyIsLimitedByItsOwnAddress(String forwarded) throws Exception {
    // the peer's own count goes down whatever it forwards
    Reply first = byIp(server, forwarded);
    Reply second = byIp(server, forwarded.replace(".7", ".9").replace(".8", ".10"));

    assertThat(first.status()).isEqualTo(200);
    assertThat(Integer.parseInt(second.values("X-RateLimit-Remaining").get(0)))
        .isLessThan(Integer.parseInt(first.values("X-RateLimit-Remaining").get(0)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"203.0.113.21", "203.0.113.22"})
  void aTrustedProxyForwardsTheClientAddress(String client) throws Exception {
    Reply first = byIp(trusting, "X-Forwarded-For: " + client);
    Reply again = byIp(trusting, "X-Forwarded-For: " + client);
    Reply other = byIp(trusting, "X-Forwarded-For: " + client + "9");

    assertThat(first.values("X-RateLimit-Remaining")).containsExactly("999");
    assertThat(again.values("X-RateLimit-Remaining")).containsExactly("998");
    assertThat(other.values("X-RateLimit-Remaining")).containsExactly("999");
  }

  private static Reply byIp(TestServer target, String forwarded) throws Exception {
    return RawHttp.exchange(target.port(), "GET /once/by-ip HTTP/1.1\r\n" + forwarded + "\r\n");
  }
}
