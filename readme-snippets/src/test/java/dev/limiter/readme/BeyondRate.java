/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.readme;

import dev.limiter.Admission;
import dev.limiter.LimitResolver;
import dev.limiter.annotation.ConcurrencyLimit;
import dev.limiter.annotation.IdempotencyKey;
import dev.limiter.annotation.RateLimit;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

/** The README's limits beyond request rate, on one JAX-RS resource. */
@Path("/beyond")
public class BeyondRate {

  private final Runs runs = new Runs();

  // spotless:off
  // README: in flight
  @POST
  @Path("runs")
  @ConcurrencyLimit(name = "runs", max = 2, key = "apiKey")            // 2 at once per key
  @RateLimit(name = "runs-hourly", window = "60m", max = 100, key = "apiKey")
  public String start() { return runs.start(); }
  // README end
  // spotless:on

  // spotless:off
  // README: count by outcome
  @POST
  @Path("login")
  @RateLimit(name = "login-failures", window = "15m", max = 5, key = "ip+query:user",
             countOn = "401,403")                                     // successes give their unit back
  public Response login(@QueryParam("user") String user, @QueryParam("password") String password) {
    return runs.check(user, password) ? Response.ok().build() : Response.status(401).build();
  }
  // README end
  // spotless:on

  // spotless:off
  // README: refund and charge
  @POST
  @Path("completions")
  @RateLimit(name = "tokens", window = "1h", max = 100_000, key = "apiKey")
  public String complete(String prompt) {
    Admission admission = Admission.current().orElseThrow();  // on the thread that runs the method
    long used = runs.generate(prompt);
    if (used == 0) {
      admission.refund();                                      // nothing generated: free
    } else {
      admission.charge("tokens", used - 1);                    // the request itself cost 1
    }
    return "ok";
  }
  // README end
  // spotless:on

  // spotless:off
  // README: idempotent retries
  @POST
  @Path("messages")
  @IdempotencyKey(window = "24h")                  // header Idempotency-Key unless header = "..."
  @RateLimit(name = "messages", window = "1m", max = 60, key = "apiKey")
  public String send(String message) { return runs.send(message); }
  // README end
  // spotless:on

  // spotless:off
  // README: anonymous or keyed
  @POST
  @Path("shares")
  @RateLimit(name = "shares-anonymous", window = "1m", max = 3, key = "ip",
             unless = "apiKey|bearer")             // off when the caller has a key or a token
  @RateLimit(name = "shares", window = "60m", max = 30, key = "apiKey|bearer",
             optional = true)                      // off when the caller has neither
  public String share() { return "shared"; }
  // README end
  // spotless:on

  static LimitResolver exemptions() {
    // spotless:off
    // README: exempt resolver
    LimitResolver plans = (policy, key) ->
        key.startsWith("internal-") ? LimitResolver.UNLIMITED   // not counted, no header fields
      : key.startsWith("free-")     ? 0                         // 0 is a limit: every request 429
      : policy.max();
    // README end
    // spotless:on
    return plans;
  }

  static final class Runs {
    String start() {
      return "started";
    }

    boolean check(String user, String password) {
      return "secret".equals(password) && user != null;
    }

    long generate(String prompt) {
      return prompt == null ? 0 : prompt.length();
    }

    String send(String message) {
      return "sent";
    }
  }
}
