/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo;

import dev.limiter.Admission;
import dev.limiter.Algorithm;
import dev.limiter.annotation.ConcurrencyLimit;
import dev.limiter.annotation.IdempotencyKey;
import dev.limiter.annotation.RateLimit;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The demo's JAX-RS endpoints under {@code /api}; their limits are the demo's contract. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class DemoResource {

  /** Creates the resource; Jersey calls this per request. */
  public DemoResource() {}

  /**
   * Says hello: 5 per minute per API key.
   *
   * @return a greeting
   */
  @GET
  @Path("hello")
  @RateLimit(name = "hello", window = "1m", max = 5, key = "apiKey")
  public String hello() {
    return "{\"message\":\"hello\"}";
  }

  /**
   * Searches: 2 per second and 10 per minute per API key.
   *
   * @param q the query
   * @return the hits
   */
  @GET
  @Path("search")
  @RateLimit(name = "search-burst", window = "1s", max = 2, key = "apiKey")
  @RateLimit(name = "search", window = "1m", max = 10, key = "apiKey")
  public String search(@QueryParam("q") String q) {
    return "{\"query\":" + Json.quote(q == null ? "" : q) + ",\"hits\":[]}";
  }

  /**
   * Sends a message: 3 per minute per sender and recipient, 20 per day per sender (reset at
   * midnight UTC).
   *
   * @param to the recipient
   * @return the message's receipt
   */
  @POST
  @Path("messages")
  @IdempotencyKey(window = "24h")
  @RateLimit(name = "pair", window = "1m", max = 3, key = "apiKey+query:to")
  @RateLimit(
      name = "messages-daily",
      window = "1d",
      max = 20,
      key = "apiKey",
      algorithm = Algorithm.FIXED_WINDOW)
  public String message(@QueryParam("to") String to) {
    return "{\"sent\":true,\"to\":" + Json.quote(to == null ? "" : to) + "}";
  }

  /**
   * Runs a report: each costs 5 of 20 credits per hour per API key.
   *
   * @return the report's status
   */
  @POST
  @Path("reports")
  @RateLimit(name = "credits", window = "1h", max = 20, cost = 5, key = "apiKey")
  public String report() {
    return "{\"report\":\"queued\"}";
  }

  /**
   * Creates a link: 3 per minute per API key, or per address for anonymous callers.
   *
   * @return the link
   */
  @POST
  @Path("links")
  @RateLimit(name = "links", window = "1m", max = 3, key = "apiKey|ip")
  public String link() {
    return "{\"link\":\"created\"}";
  }

  /**
   * Polls a stream: a token bucket of 5 per 10 seconds per API key.
   *
   * @return the next events
   */
  @GET
  @Path("stream")
  @RateLimit(
      name = "stream",
      window = "10s",
      max = 5,
      key = "apiKey",
      algorithm = Algorithm.TOKEN_BUCKET)
  public String stream() {
    return "{\"events\":[]}";
  }

  /**
   * An unlimited endpoint: the baseline for measuring the limiter's overhead.
   *
   * @return a constant
   */
  @GET
  @Path("bench/plain")
  public String plain() {
    return "{\"ok\":true}";
  }

  /**
   * The same work behind a limit that never rejects, to measure the limiter's overhead.
   *
   * @return a constant
   */
  @GET
  @Path("bench/limited")
  @RateLimit(name = "bench", window = "1s", max = 1_000_000_000, key = "ip")
  public String limited() {
    return "{\"ok\":true}";
  }

  /**
   * Starts a run that holds its slot for {@code holdMs} milliseconds (at most 10,000): at most 2
   * runs in flight per API key, 20 for {@code gold-} keys.
   *
   * @param holdMs how long the run takes, from 0 to 10,000 milliseconds
   * @return the run's result
   * @throws InterruptedException if the server stops during the run
   */
  @POST
  @Path("runs")
  @ConcurrencyLimit(name = "runs", max = 2, key = "apiKey")
  public String run(@QueryParam("holdMs") long holdMs) throws InterruptedException {
    if (holdMs < 0 || holdMs > 10_000) {
      throw new BadRequestException("holdMs is from 0 to 10000");
    }
    Thread.sleep(holdMs);
    return "{\"run\":\"done\",\"heldMs\":" + holdMs + "}";
  }

  /**
   * Logs in: 401 unless the password is {@code secret}. At most 5 failed logins per 15 minutes per
   * address and user; successful logins are not counted.
   *
   * @param user the user
   * @param password the password
   * @return 200 with a greeting, or 401
   */
  @POST
  @Path("login")
  @RateLimit(
      name = "login-failures",
      window = "15m",
      max = 5,
      key = "ip+query:user",
      countOn = "401,403")
  public Response login(@QueryParam("user") String user, @QueryParam("password") String password) {
    if (!"secret".equals(password)) {
      return Response.status(Response.Status.UNAUTHORIZED)
          .type(MediaType.APPLICATION_JSON_TYPE)
          .entity("{\"login\":\"failed\"}")
          .build();
    }
    return Response.ok("{\"login\":\"ok\",\"user\":" + Json.quote(user) + "}").build();
  }

  /**
   * Shares a link: anonymous callers 3 per minute per address; callers with an API key or a bearer
   * token 30 per rolling hour per key, and the address limit does not touch them.
   *
   * @return the share
   */
  @POST
  @Path("shares")
  @RateLimit(
      name = "shares-anonymous",
      window = "1m",
      max = 3,
      key = "ip",
      unless = "apiKey|bearer")
  @RateLimit(name = "shares", window = "60m", max = 30, key = "apiKey|bearer", optional = true)
  public String share() {
    return "{\"share\":\"created\"}";
  }

  /**
   * Answers a completion whose cost is known only once it is made: the request takes 1 of 1,000
   * tokens an hour per API key, and the rest of the {@code tokens} it used are charged after; a
   * completion that used none ({@code tokens=0}) gives its unit back.
   *
   * @param tokens the tokens the completion used, from 0 to 1,000
   * @return what was charged
   */
  @POST
  @Path("completions")
  @RateLimit(name = "tokens", window = "1h", max = 1000, key = "apiKey")
  public String complete(@QueryParam("tokens") long tokens) {
    if (tokens < 0 || tokens > 1000) {
      throw new BadRequestException("tokens is from 0 to 1000");
    }
    Admission admission =
        Admission.current()
            .orElseThrow(() -> new IllegalStateException("the rate-limit feature is not active"));
    long charged = 1;
    if (tokens == 0) {
      admission.refund();
      charged = 0;
    } else if (tokens > 1) {
      charged += admission.charge("tokens", tokens - 1);
    }
    return "{\"tokens\":" + tokens + ",\"charged\":" + charged + "}";
  }
}
