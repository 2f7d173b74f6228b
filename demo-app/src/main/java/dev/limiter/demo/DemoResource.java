/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo;

import dev.limiter.Algorithm;
import dev.limiter.annotation.RateLimit;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

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
}
