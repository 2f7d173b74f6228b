/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.ee10;

import dev.limiter.annotation.ConcurrencyLimit;
import dev.limiter.annotation.RateLimit;
import dev.limiter.jaxrs.RateLimitFeature;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.ext.RuntimeDelegate;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The application both runtimes deploy, as a user's {@code web.xml} would name it: the resource and
 * the feature registered by class, so that the feature finds the store on the class path.
 */
public class JaxrsApplication extends Application {

  @Override
  public Set<Class<?>> getClasses() {
    return Set.of(Api.class, RateLimitFeature.class);
  }

  /** A limited and a plain method. */
  @Path("/")
  public static class Api {

    /**
     * Answers the class of the runtime's {@code RuntimeDelegate}.
     *
     * @param id the key
     * @return the runtime
     */
    @GET
    @Path("items/{id}")
    @RateLimit(name = "ee10-jaxrs", window = "1m", max = 10, key = "path:id")
    public String item(@PathParam("id") String id) {
      return RuntimeDelegate.getInstance().getClass().getName();
    }

    /**
     * Ends as {@code way} says, under a limit on requests in flight: {@code async} resumed from
     * another thread, {@code timeout} answered 503 by the runtime, {@code unmapped} an exception no
     * mapper maps, otherwise resumed at once.
     *
     * @param way how the request ends
     * @param response the suspended response
     */
    @GET
    @Path("inflight/{way}")
    @ConcurrencyLimit(name = "ee10-inflight", max = 2, key = "header:X-Client")
    public void inFlight(@PathParam("way") String way, @Suspended AsyncResponse response) {
      switch (way) {
        case "async" -> new Thread(() -> response.resume("async")).start();
        case "timeout" -> response.setTimeout(20, TimeUnit.MILLISECONDS);
        case "unmapped" -> throw new IllegalStateException("not mapped");
        default -> response.resume("sync");
      }
    }

    /**
     * Not limited.
     *
     * @return plain
     */
    @GET
    @Path("plain")
    public String plain() {
      return "plain";
    }
  }
}
