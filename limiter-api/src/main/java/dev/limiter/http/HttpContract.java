/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.http;

import dev.limiter.Decision;
import dev.limiter.LimitKind;
import dev.limiter.LimitStatus;
import dev.limiter.MissingKey;
import dev.limiter.Outcome;
import dev.limiter.RateLimitConfig;
import dev.limiter.StoreUnavailable;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP contract of the limiter: turns each {@link Outcome} into the header fields, status and
 * body every web adapter sends, so that they all send the same bytes.
 *
 * <p>Build one per adapter at startup and call {@link #respond} on every limited request. Immutable
 * and thread-safe.
 *
 * <pre>{@code
 * HttpContract contract = HttpContract.from(config);          // ratelimit.headers, default x
 * Outcome outcome = limiter.check(limits, request);
 * RateLimitResponse response = contract.respond(outcome, request.header("Origin") != null);
 * if (response.proceed()) {
 *   response.applyHeaders(servletResponse::setHeader, servletResponse::addHeader); // then the chain
 * } else {
 *   servletResponse.setStatus(response.status());
 *   response.applyHeaders(servletResponse::setHeader, servletResponse::addHeader);
 *   servletResponse.setContentType(response.contentType());
 *   servletResponse.getOutputStream().write(response.body().getBytes(UTF_8));
 * }
 * }</pre>
 *
 * <p>For a request over a limit with the default dialect and handler, the response is:
 *
 * <pre>
 * 429
 * X-RateLimit-Limit: 120
 * X-RateLimit-Remaining: 0
 * X-RateLimit-Reset: 1700000042
 * X-RateLimit-Policy: search
 * Retry-After: 42
 * Cache-Control: no-store
 * Content-Type: application/problem+json
 *
 * {"type":"https://limiter.dev/problems/rate-limited","title":"Too Many Requests",...}
 * </pre>
 *
 * <p>The numbers, all whole seconds rounded so a client that trusts them is never early:
 *
 * <ul>
 *   <li>{@code X-RateLimit-Reset}: the Unix epoch second when the reported limit's quota is fully
 *       back, {@code ceil((epochNanos + resetAfterNanos) / 1e9)};
 *   <li>{@code t} of {@code RateLimit} and {@code RateLimit-Reset}: the same instant as seconds
 *       from the decision's whole second, {@code X-RateLimit-Reset - floor(epochNanos / 1e9)};
 *   <li>{@code w} of {@code RateLimit-Policy}: the window, rounded up, at least 1;
 *   <li>{@code Retry-After}: the reported limit's wait, rounded up, at least 1: {@link
 *       Decision#retryAfterSeconds()} (or {@link StoreUnavailable#retryAfterSeconds()}).
 * </ul>
 *
 * <p>The header fields, in this order:
 *
 * <ol>
 *   <li>the fields of the {@link HeaderDialect}, for {@link Decision#reported()};
 *   <li>on a rejection, {@code Retry-After} and {@code Cache-Control: no-store};
 *   <li>for a browser request, {@code Access-Control-Expose-Headers} naming the fields above except
 *       {@code Cache-Control} (which browsers always expose); none with {@link HeaderDialect#NONE}.
 * </ol>
 *
 * <p>A {@link MissingKey} is answered with {@code Cache-Control: no-store} only; a {@link
 * StoreUnavailable} (the store failed and is configured to refuse) with {@code 503}, {@code
 * Retry-After} and {@code Cache-Control: no-store}. Status, content type and body of both refusals
 * come from the {@link RejectionHandler}; the header fields do not, so a custom handler cannot drop
 * {@code Retry-After}.
 */
public final class HttpContract {

  /** The configuration key that chooses the dialect. */
  private static final String HEADERS_KEY = "ratelimit.headers";

  private static final String EXPOSE = "Access-Control-Expose-Headers";
  private static final String RETRY_AFTER = "Retry-After";
  private static final String CACHE_CONTROL = "Cache-Control";
  private static final String NO_STORE = "no-store";

  private static final String X_LIMIT = "X-RateLimit-Limit";
  private static final String X_REMAINING = "X-RateLimit-Remaining";
  private static final String X_RESET = "X-RateLimit-Reset";
  private static final String X_POLICY = "X-RateLimit-Policy";
  private static final String IETF_POLICY = "RateLimit-Policy";
  private static final String IETF_LIMIT = "RateLimit";
  private static final String DRAFT6_LIMIT = "RateLimit-Limit";
  private static final String DRAFT6_REMAINING = "RateLimit-Remaining";
  private static final String DRAFT6_RESET = "RateLimit-Reset";

  private final HeaderDialect dialect;
  private final RejectionHandler handler;
  private final @Nullable String exposeAllowed;
  private final @Nullable String exposeRejected;

  private HttpContract(HeaderDialect dialect, RejectionHandler handler) {
    this.dialect = dialect;
    this.handler = handler;
    String fields =
        switch (dialect) {
          case X -> String.join(", ", X_LIMIT, X_REMAINING, X_RESET, X_POLICY);
          case IETF -> String.join(", ", IETF_POLICY, IETF_LIMIT);
          case DRAFT6 -> String.join(", ", DRAFT6_LIMIT, DRAFT6_REMAINING, DRAFT6_RESET);
          case BOTH ->
              String.join(", ", X_LIMIT, X_REMAINING, X_RESET, X_POLICY, IETF_POLICY, IETF_LIMIT);
          case NONE -> null;
        };
    this.exposeAllowed = fields;
    this.exposeRejected = fields == null ? null : fields + ", " + RETRY_AFTER;
  }

  /**
   * Returns the contract for a dialect and a rejection handler.
   *
   * @param dialect the rate-limit header fields to send
   * @param handler the status, content type and body of refusals; {@link
   *     RejectionHandler#problemJson()} for the default
   * @return the contract
   */
  public static HttpContract of(HeaderDialect dialect, RejectionHandler handler) {
    return new HttpContract(
        Objects.requireNonNull(dialect, "dialect"), Objects.requireNonNull(handler, "handler"));
  }

  /**
   * Returns the contract that configuration asks for: the dialect of {@code ratelimit.headers}
   * ({@code x} when absent) and the {@linkplain RejectionHandler#problemJson() problem-details}
   * handler.
   *
   * @param config the configuration
   * @return the contract
   * @throws IllegalArgumentException if {@code ratelimit.headers} is not a dialect name; the
   *     message names the key, the value, where it came from and the accepted names
   */
  public static HttpContract from(RateLimitConfig config) {
    Objects.requireNonNull(config, "config");
    String text = config.get(HEADERS_KEY, "x");
    HeaderDialect dialect;
    try {
      dialect = HeaderDialect.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Invalid configuration " + config.describe(HEADERS_KEY) + ": " + e.getMessage(), e);
    }
    return of(dialect, RejectionHandler.problemJson());
  }

  /**
   * Returns the dialect of the rate-limit header fields.
   *
   * @return the dialect
   */
  public HeaderDialect dialect() {
    return dialect;
  }

  /**
   * Returns what to do with a request the limiter decided.
   *
   * @param outcome the limiter's answer for the request
   * @param browser whether the request carries an {@code Origin} header field, so that the
   *     rate-limit fields must be exposed to the page's scripts
   * @return the response: proceed with header fields, or answer with a refusal
   * @throws IllegalArgumentException if a policy name holds a character other than visible ASCII,
   *     which the policy model never allows
   * @throws NullPointerException if the rejection handler returns null
   */
  public RateLimitResponse respond(Outcome outcome, boolean browser) {
    Objects.requireNonNull(outcome, "outcome");
    RateLimitResponse.CheckedFields headers = new RateLimitResponse.CheckedFields();
    if (outcome instanceof MissingKey missing) {
      Rejection rejection =
          Objects.requireNonNull(
              handler.missingKey(missing), "RejectionHandler.missingKey returned null");
      headers.add(CACHE_CONTROL, NO_STORE);
      return RateLimitResponse.refuse(rejection, headers);
    }
    if (outcome instanceof StoreUnavailable unavailable) {
      Rejection rejection =
          Objects.requireNonNull(
              handler.unavailable(unavailable), "RejectionHandler.unavailable returned null");
      headers.add(RETRY_AFTER, Long.toString(unavailable.retryAfterSeconds()));
      headers.add(CACHE_CONTROL, NO_STORE);
      if (browser && dialect != HeaderDialect.NONE) {
        headers.add(EXPOSE, RETRY_AFTER);
      }
      return RateLimitResponse.refuse(rejection, headers);
    }
    Decision decision = (Decision) outcome;
    if (decision.exempt()) {
      return RateLimitResponse.allow(headers); // no limit applied: nothing to describe
    }
    putDialectFields(decision, headers);
    if (decision.allowed()) {
      if (browser && exposeAllowed != null) {
        headers.add(EXPOSE, exposeAllowed);
      }
      return RateLimitResponse.allow(headers);
    }
    Rejection rejection =
        Objects.requireNonNull(
            handler.rejected(decision), "RejectionHandler.rejected returned null");
    headers.add(RETRY_AFTER, Long.toString(decision.retryAfterSeconds()));
    headers.add(CACHE_CONTROL, NO_STORE);
    if (browser && exposeRejected != null) {
      headers.add(EXPOSE, exposeRejected);
    }
    return RateLimitResponse.refuse(rejection, headers);
  }

  private void putDialectFields(Decision decision, RateLimitResponse.CheckedFields headers) {
    LimitStatus reported = Objects.requireNonNull(decision.reported(), "reported");
    switch (dialect) {
      case X -> putX(decision, headers);
      case IETF -> putIetf(decision, headers);
      case DRAFT6 -> {
        headers.add(DRAFT6_LIMIT, Long.toString(reported.limit()));
        headers.add(DRAFT6_REMAINING, Long.toString(reported.remaining()));
        headers.add(DRAFT6_RESET, Long.toString(Seconds.resetDelta(decision)));
      }
      case BOTH -> {
        putX(decision, headers);
        putIetf(decision, headers);
      }
      case NONE -> {}
    }
  }

  private void putX(Decision decision, RateLimitResponse.CheckedFields headers) {
    LimitStatus reported = Objects.requireNonNull(decision.reported(), "reported");
    Rendered constant = rendered(reported);
    headers.add(X_LIMIT, constant.limit);
    headers.add(X_REMAINING, Long.toString(reported.remaining()));
    headers.add(X_RESET, Long.toString(Seconds.resetEpoch(decision)));
    headers.add(X_POLICY, Objects.requireNonNull(constant.fieldValue));
  }

  private void putIetf(Decision decision, RateLimitResponse.CheckedFields headers) {
    List<LimitStatus> limits = decision.limits();
    if (limits.size() == 1) {
      headers.add(IETF_POLICY, Objects.requireNonNull(rendered(limits.get(0)).policyItem));
    } else {
      StringBuilder policies = new StringBuilder(32 * limits.size());
      for (int i = 0; i < limits.size(); i++) {
        if (i > 0) {
          policies.append(", ");
        }
        policies.append(rendered(limits.get(i)).policyItem);
      }
      headers.add(IETF_POLICY, policies.toString());
    }
    LimitStatus reported = Objects.requireNonNull(decision.reported(), "reported");
    String name = Objects.requireNonNull(rendered(reported).sfString);
    StringBuilder limit = new StringBuilder(name.length() + 32).append(name);
    limit.append(";r=").append(reported.remaining());
    limit.append(";t=").append(Seconds.resetDelta(decision));
    headers.add(IETF_LIMIT, limit.toString());
  }

  /**
   * Returns the text of {@code status} that does not change from one request to the next while its
   * policy, limit, window and kind stay: rendered once and kept in a small table with one slot per
   * hash, replaced when another limit lands on the slot. Entries are immutable, so a racing reader
   * sees one whole or none.
   */
  private Rendered rendered(LimitStatus status) {
    int slot =
        (status.policy().hashCode() * 31 + Long.hashCode(status.limit())) & (RENDERED_SLOTS - 1);
    Rendered known = rendered[slot];
    if (known != null && known.renders(status)) {
      return known;
    }
    Rendered made = new Rendered(status, dialect);
    rendered[slot] = made;
    return made;
  }

  private static final int RENDERED_SLOTS = 64;

  private final Rendered[] rendered = new Rendered[RENDERED_SLOTS];

  /** The constant text of one limit's fields in one dialect. */
  private static final class Rendered {
    final String policy;
    final long limitValue;
    final long windowNanos;
    final LimitKind kind;
    final String limit;
    final @Nullable String fieldValue;
    final @Nullable String sfString;
    final @Nullable String policyItem;

    Rendered(LimitStatus status, HeaderDialect dialect) {
      policy = status.policy();
      limitValue = status.limit();
      windowNanos = status.windowNanos();
      kind = status.kind();
      limit = Long.toString(limitValue);
      boolean x = dialect == HeaderDialect.X || dialect == HeaderDialect.BOTH;
      boolean ietf = dialect == HeaderDialect.IETF || dialect == HeaderDialect.BOTH;
      fieldValue = x ? HttpText.requireFieldValue(X_POLICY, policy) : null;
      if (ietf) {
        sfString =
            HttpText.appendSfString(new StringBuilder(policy.length() + 2), policy).toString();
        StringBuilder item = new StringBuilder(sfString.length() + 32).append(sfString);
        item.append(";q=").append(limitValue);
        if (kind == LimitKind.CONCURRENCY) {
          item.append(";qu=\"concurrent-requests\""); // in flight: no window
        } else {
          item.append(";w=").append(Seconds.window(status));
        }
        policyItem = item.toString();
      } else {
        sfString = null;
        policyItem = null;
      }
    }

    boolean renders(LimitStatus status) {
      return limitValue == status.limit()
          && windowNanos == status.windowNanos()
          && kind == status.kind()
          && policy.equals(status.policy());
    }
  }

  /**
   * Returns a description of this contract for logs.
   *
   * @return the dialect and the handler
   */
  @Override
  public String toString() {
    return "HttpContract[dialect=" + dialect + ", handler=" + handler + "]";
  }
}
