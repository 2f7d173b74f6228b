/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;

import dev.limiter.Admission;
import dev.limiter.annotation.ConcurrencyLimit;
import dev.limiter.annotation.IdempotencyKey;
import dev.limiter.annotation.RateLimit;
import dev.limiter.jaxrs.internal.ServletCompletion;
import jakarta.annotation.Priority;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The resources of the tests of limits beyond request rate and of how requests complete. */
final class AdmissionResources {

  private AdmissionResources() {}

  /** Runs what the asynchronous resources hand to another thread. */
  static final ExecutorService EXECUTOR =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "test-resume");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * Every way a request can end, all under one limit on requests in flight per {@code X-Client}.
   */
  @Path("/paths")
  @ConcurrencyLimit(name = "paths", max = 64, key = "header:X-Client")
  public static class Paths {

    /** The asynchronous responses of {@link #abandoned}, by {@code X-Probe}. */
    static final Map<String, AsyncResponse> ABANDONED = new ConcurrentHashMap<>();

    /** Requests inside {@link #held}, and what lets them return. */
    static final AtomicInteger HELD = new AtomicInteger();

    static volatile CountDownLatch release = new CountDownLatch(0);

    @GET
    @Path("ok")
    public String ok() {
      return "ok";
    }

    @GET
    @Path("mapped")
    public String mapped() {
      throw new WebApplicationException(Response.status(409).entity("conflict").build());
    }

    @GET
    @Path("unmapped")
    public String unmapped() {
      throw new IllegalStateException("not mapped by the application");
    }

    @GET
    @Path("async")
    public void async(@Suspended AsyncResponse response) {
      EXECUTOR.execute(() -> response.resume("async"));
    }

    @GET
    @Path("timeout")
    public void timeout(@Suspended AsyncResponse response) {
      response.setTimeout(50, MILLISECONDS); // never resumed: the runtime answers 503
    }

    @GET
    @Path("stage")
    public CompletionStage<String> stage() {
      return CompletableFuture.supplyAsync(() -> "stage", EXECUTOR);
    }

    @GET
    @Path("stage-failed")
    public CompletionStage<String> stageFailed() {
      return CompletableFuture.supplyAsync(
          () -> {
            throw new IllegalStateException("the stage failed");
          },
          EXECUTOR);
    }

    /** Returns once {@link #release} opens: the client can go away meanwhile. */
    @GET
    @Path("held")
    public String held() throws InterruptedException {
      HELD.incrementAndGet();
      try {
        release.await(20, SECONDS);
      } finally {
        HELD.decrementAndGet();
      }
      return "held";
    }

    /** Resumed once {@link #release} opens, from another thread. */
    @GET
    @Path("async-held")
    public void asyncHeld(@Suspended AsyncResponse response) {
      HELD.incrementAndGet();
      EXECUTOR.execute(
          () -> {
            try {
              release.await(20, SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } finally {
              HELD.decrementAndGet();
            }
            response.resume("async-held");
          });
    }

    /** Never resumed and no timeout: the test cancels it. */
    @GET
    @Path("abandoned")
    public void abandoned(@Suspended AsyncResponse response, @HeaderParam("X-Probe") String id) {
      ABANDONED.put(id, response);
    }

    /** Answers whether the caller's admission is current here, on the resource method's thread. */
    @GET
    @Path("current")
    public String current() {
      return Admission.current().isPresent() ? "current" : "none";
    }
  }

  /** A method without limits, where no admission may ever be current. */
  @Path("/unlimited")
  public static class Unlimited {
    @GET
    public String current() {
      return Admission.current().map(admission -> "leaked " + admission).orElse("none");
    }
  }

  /**
   * Records, by {@code X-Probe}, each response that passed the response filters: its status, and
   * whether the feature's response filter, which runs before this one, completed the admission.
   */
  @Priority(1) // response filters run from the highest priority down: this one after the feature's
  public static class Probe implements ContainerResponseFilter {

    static final Map<String, String> SEEN = new ConcurrentHashMap<>();

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
      String id = request.getHeaderString("X-Probe");
      if (id == null) {
        return;
      }
      Object admission = request.getProperty(ServletCompletion.ADMISSION_PROPERTY);
      String state =
          admission instanceof Admission a
              ? (a.completed() ? "completed" : "not completed")
              : "no admission";
      SEEN.put(id, response.getStatus() + " " + state);
    }
  }

  /** A limit on requests in flight whose requests wait until the test lets them go. */
  @Path("/inflight")
  public static class InFlight {

    static final AtomicInteger INSIDE = new AtomicInteger();
    static volatile CountDownLatch release = new CountDownLatch(0);

    @GET
    @Path("held")
    @ConcurrencyLimit(name = "held", max = 3, key = "apiKey")
    public String held() throws InterruptedException {
      INSIDE.incrementAndGet();
      try {
        release.await(20, SECONDS);
      } finally {
        INSIDE.decrementAndGet();
      }
      return "held";
    }

    @GET
    @Path("quick")
    @ConcurrencyLimit(name = "quick", max = 3, key = "apiKey")
    public String quick() {
      return "quick";
    }
  }

  /** Limits that count outcomes, refunds and charges, idempotent retries. */
  @Path("/")
  public static class Outcomes {

    /** Only failed logins count: 401 and 403. */
    @POST
    @Path("login")
    @RateLimit(name = "login", window = "15m", max = 5, key = "header:X-User", countOn = "401,403")
    public Response login(@QueryParam("password") String password) {
      return "secret".equals(password)
          ? Response.ok("welcome").build()
          : Response.status(401).entity("wrong password").build();
    }

    /** Gives back or adds units through {@link Admission#current()}; answers what it did. */
    @GET
    @Path("credits")
    @RateLimit(name = "credits", window = "1h", max = 10, key = "apiKey")
    public String credits(@QueryParam("refund") boolean refund, @QueryParam("charge") long charge) {
      Admission admission = Admission.current().orElseThrow();
      if (refund) {
        admission.refund(); // its return value, if any, is not used: main's refund() returns none
        return "refunded";
      }
      return charge > 0 ? Long.toString(admission.charge("credits", charge)) : "0";
    }

    @POST
    @Path("orders")
    @IdempotencyKey(window = "24h")
    @RateLimit(name = "orders", window = "1h", max = 2, key = "apiKey")
    public String order() {
      return "ordered";
    }
  }

  /** Exemptions: by the limit resolver, by configuration; and anonymous-or-keyed limits. */
  @Path("/")
  public static class Exemptions {

    /** The test's resolver exempts API keys that start with {@code vip-}. */
    @GET
    @Path("tiered")
    @RateLimit(name = "tiered", window = "1m", max = 2, key = "apiKey")
    public String tiered() {
      return "tiered";
    }

    /** The test's configuration exempts the API key {@code partner-1} from every limit. */
    @GET
    @Path("by-address")
    @RateLimit(name = "by-address", window = "1m", max = 3, key = "ip")
    public String byAddress() {
      return Admission.current().map(a -> a.outcome().toString()).orElse("none");
    }

    /** The test's configuration exempts 127.0.0.0/8 from this limit alone. */
    @GET
    @Path("office")
    @RateLimit(name = "office", window = "1m", max = 1, key = "apiKey")
    public String office() {
      return "office";
    }

    /** Anonymous callers by address; callers with a key or a bearer token by that. */
    @GET
    @Path("search")
    @RateLimit(name = "anonymous", window = "1m", max = 2, key = "ip", unless = "apiKey|bearer")
    @RateLimit(name = "keyed", window = "1m", max = 5, key = "apiKey|bearer", optional = true)
    public String search() {
      return "results";
    }
  }

  /**
   * Jakarta REST annotations on an interface, a limit on requests in flight on the class's method.
   */
  @Path("/contract-inflight")
  public interface InFlightContract {
    @GET
    String get();
  }

  /** Implements {@link InFlightContract} and limits it. */
  public static class InFlightContractResource implements InFlightContract {
    @Override
    @ConcurrencyLimit(name = "contract-inflight", max = 2, key = "apiKey")
    public String get() {
      return "contract";
    }
  }
}
