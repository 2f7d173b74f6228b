/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.http;

import dev.limiter.Decision;
import dev.limiter.MissingKey;
import dev.limiter.StoreUnavailable;

/**
 * The default {@link RejectionHandler}: RFC 9457 problem details, as documented on {@link
 * RejectionHandler#problemJson()}.
 */
enum ProblemJson implements RejectionHandler {
  INSTANCE;

  static final String CONTENT_TYPE = "application/problem+json";
  static final String RATE_LIMITED = "https://limiter.dev/problems/rate-limited";
  static final String MISSING_KEY = "https://limiter.dev/problems/missing-key";
  static final String MISSING_CREDENTIALS = "https://limiter.dev/problems/missing-credentials";
  static final String UNAVAILABLE = "https://limiter.dev/problems/limiter-unavailable";

  @Override
  public Rejection rejected(Decision decision) {
    long retryAfter = decision.retryAfterSeconds();
    String detail =
        "Rate limit '"
            + decision.policy()
            + "' exceeded; retry in "
            + retryAfter
            + (retryAfter == 1 ? " second." : " seconds.");
    StringBuilder body = new StringBuilder(256);
    start(body, RATE_LIMITED, "Too Many Requests", 429, detail, decision.policy());
    body.append(",\"limit\":").append(decision.limit());
    body.append(",\"retry_after\":").append(retryAfter);
    body.append(",\"violated_policies\":[");
    String separator = "";
    for (String policy : decision.violatedPolicies()) {
      HttpText.appendJson(body.append(separator), policy);
      separator = ",";
    }
    body.append("]}");
    return new Rejection(429, CONTENT_TYPE, body.toString());
  }

  @Override
  public Rejection missingKey(MissingKey missing) {
    boolean credentials = missing.credentials();
    int status = credentials ? 401 : 400;
    String detail =
        "The request lacks "
            + missing.missing()
            + ", which rate limit '"
            + missing.policy()
            + "' is keyed on.";
    StringBuilder body = new StringBuilder(256);
    start(
        body,
        credentials ? MISSING_CREDENTIALS : MISSING_KEY,
        credentials ? "Unauthorized" : "Bad Request",
        status,
        detail,
        missing.policy());
    body.append('}');
    return new Rejection(status, CONTENT_TYPE, body.toString());
  }

  @Override
  public Rejection unavailable(StoreUnavailable unavailable) {
    long retryAfter = unavailable.retryAfterSeconds();
    String detail =
        "Rate limit '"
            + unavailable.policy()
            + "' cannot be checked right now; retry in "
            + retryAfter
            + (retryAfter == 1 ? " second." : " seconds.");
    StringBuilder body = new StringBuilder(256);
    start(body, UNAVAILABLE, "Service Unavailable", 503, detail, unavailable.policy());
    body.append(",\"retry_after\":").append(retryAfter).append('}');
    return new Rejection(503, CONTENT_TYPE, body.toString());
  }

  private static void start(
      StringBuilder body, String type, String title, int status, String detail, String policy) {
    HttpText.appendJson(body.append("{\"type\":"), type);
    HttpText.appendJson(body.append(",\"title\":"), title);
    body.append(",\"status\":").append(status);
    HttpText.appendJson(body.append(",\"detail\":"), detail);
    HttpText.appendJson(body.append(",\"policy\":"), policy);
  }

  @Override
  public String toString() {
    return "RejectionHandler.problemJson()";
  }
}
