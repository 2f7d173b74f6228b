/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.benchmarks.http;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.caffeine.Bucket4jCaffeine;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The peer: a servlet filter that limits each client address with Bucket4j, written the way
 * Bucket4j's documentation writes one (its quick start's {@code ThrottlingFilter} with the {@code
 * ConsumptionProbe}, on a proxy manager with one bucket per address as in its {@code
 * IpThrottlingFilter}), on its Caffeine proxy manager. An admitted request gets {@code
 * X-Rate-Limit-Remaining} and goes on down the chain; a refused one gets {@code 429}, {@code
 * X-Rate-Limit-Retry-After-Seconds} and {@code Too many requests} as {@code text/plain}.
 */
final class Bucket4jFilter implements Filter {

  private final ProxyManager<String> buckets;
  private final Supplier<BucketConfiguration> configuration;

  /**
   * Creates the filter: each address's bucket holds {@code capacity} tokens, refilled greedily at
   * {@code capacity} per {@code period}, and is kept until it would be full again and one {@code
   * period} more (the expiry Bucket4j advises for its proxy managers; our sliding window keeps a
   * key a window and a tenth after its last use), among at most {@code maximumSize} addresses.
   */
  Bucket4jFilter(long capacity, Duration period, long maximumSize) {
    BucketConfiguration bucket =
        BucketConfiguration.builder()
            .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, period).build())
            .build();
    this.configuration = () -> bucket;
    this.buckets =
        Bucket4jCaffeine.<String>builderFor(Caffeine.newBuilder().maximumSize(maximumSize))
            .expirationAfterWrite(
                ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(period))
            .build();
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest httpRequest = (HttpServletRequest) request;
    HttpServletResponse httpResponse = (HttpServletResponse) response;
    Bucket bucket = buckets.builder().build(httpRequest.getRemoteAddr(), configuration);
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      httpResponse.setHeader("X-Rate-Limit-Remaining", Long.toString(probe.getRemainingTokens()));
      chain.doFilter(request, response);
    } else {
      httpResponse.setStatus(429);
      httpResponse.setHeader(
          "X-Rate-Limit-Retry-After-Seconds",
          Long.toString(TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill())));
      httpResponse.setContentType("text/plain");
      httpResponse.getWriter().append("Too many requests");
    }
  }
}
