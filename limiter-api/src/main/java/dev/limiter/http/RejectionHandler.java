/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.http;

import dev.limiter.Decision;
import dev.limiter.MissingKey;
import dev.limiter.StoreUnavailable;

/**
 * Chooses the status, content type and body of the responses that refuse a request: a request over
 * its limit, and a request that lacks what its limit is keyed on.
 *
 * <p>The header fields are not the handler's: {@link HttpContract} adds {@code Retry-After}, {@code
 * Cache-Control: no-store} and the rate-limit fields of its {@link HeaderDialect} whatever the
 * handler returns, so a custom body cannot get them wrong. Implementations must be thread-safe;
 * they are called on every refused request and should not block.
 *
 * <pre>{@code
 * RejectionHandler plain = new RejectionHandler() {
 *   public Rejection rejected(Decision decision) {
 *     return new Rejection(429, "text/plain;charset=UTF-8",
 *         "Slow down; retry in " + decision.retryAfterSeconds() + " s."); // as Retry-After says
 *   }
 *   public Rejection missingKey(MissingKey missing) {
 *     return RejectionHandler.problemJson().missingKey(missing);
 *   }
 * };
 * HttpContract contract = HttpContract.of(HeaderDialect.X, plain);
 * }</pre>
 */
public interface RejectionHandler {

  /**
   * Returns the answer to a request that a limit rejected.
   *
   * @param decision the decision, with {@link Decision#allowed()} false; its {@link
   *     Decision#reported()} limit is the rejecting one with the longest wait, and {@link
   *     Decision#retryAfterSeconds()} the seconds of the {@code Retry-After} field
   * @return the status, content type and body; never null
   */
  Rejection rejected(Decision decision);

  /**
   * Returns the answer to a request that lacks what a limit is keyed on.
   *
   * @param missing what is missing, and whether it is a credential; the default answers 401 for a
   *     credential and 400 otherwise
   * @return the status, content type and body; never null
   */
  Rejection missingKey(MissingKey missing);

  /**
   * Returns the answer to a request the store could not decide while configured to refuse ({@code
   * FAIL_CLOSED}). The default answers {@code 503} with problem details.
   *
   * @param unavailable which limit's store failed and when to retry
   * @return the status, content type and body; never null
   */
  default Rejection unavailable(StoreUnavailable unavailable) {
    return ProblemJson.INSTANCE.unavailable(unavailable);
  }

  /**
   * Returns the default handler, which answers with RFC 9457 problem details as {@code
   * application/problem+json}.
   *
   * <p>A rejection is {@code 429} with this body (one line, members in this order):
   *
   * <pre>{@code
   * {"type":"https://limiter.dev/problems/rate-limited","title":"Too Many Requests","status":429,
   *  "detail":"Rate limit 'search' exceeded; retry in 42 seconds.","policy":"search","limit":120,
   *  "retry_after":42,"violated_policies":["search-burst","search"]}
   * }</pre>
   *
   * <p>{@code policy}, {@code limit} and {@code retry_after} describe the reported limit; {@code
   * retry_after} equals the {@code Retry-After} field; {@code violated_policies} names every limit
   * that rejected, in declaration order.
   *
   * <p>A missing key is answered with {@code 401}, type {@code
   * https://limiter.dev/problems/missing-credentials} and title {@code Unauthorized} when {@link
   * MissingKey#credentials()} (an API key or an authenticated user would have keyed the request),
   * and otherwise with {@code 400}, type {@code https://limiter.dev/problems/missing-key} and title
   * {@code Bad Request}:
   *
   * <pre>{@code
   * {"type":"https://limiter.dev/problems/missing-credentials","title":"Unauthorized","status":401,
   *  "detail":"The request lacks an API key in header X-API-Key, which rate limit 'search' is
   *  keyed on.","policy":"search"}
   * }</pre>
   *
   * <p>The two statuses get two types because RFC 9457 keeps one title per type. No {@code
   * WWW-Authenticate} field is sent with the 401: the limiter does not know the application's
   * authentication scheme. An application whose clients need the challenge rejects unauthenticated
   * requests in its authentication layer, before the limiter sees them.
   *
   * <p>Strings are escaped to ASCII, so the body has the same bytes in any charset.
   *
   * @return the problem-details handler, a stateless singleton
   */
  static RejectionHandler problemJson() {
    return ProblemJson.INSTANCE;
  }
}
