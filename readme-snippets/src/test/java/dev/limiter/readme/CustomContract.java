/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.readme;

import dev.limiter.Decision;
import dev.limiter.MissingKey;
import dev.limiter.http.HeaderDialect;
import dev.limiter.http.HttpContract;
import dev.limiter.http.Rejection;
import dev.limiter.http.RejectionHandler;

/** The README's contract with a handler of its own. */
final class CustomContract {

  private CustomContract() {}

  @SuppressWarnings("MissingOverride") // as the README shows it; javac needs no @Override
  static HttpContract contract() {
    // spotless:off
    // README: custom rejection handler
    HttpContract contract = HttpContract.of(HeaderDialect.X, new RejectionHandler() {
      public Rejection rejected(Decision decision) {
        return new Rejection(429, "text/plain;charset=UTF-8",
            "Slow down; retry in " + decision.retryAfterSeconds() + " s.");  // as Retry-After says
      }
      public Rejection missingKey(MissingKey missing) {  // missing.credentials(): 401, else 400
        return RejectionHandler.problemJson().missingKey(missing);
      }
    });
    // README end
    // spotless:on
    return contract;
  }
}
