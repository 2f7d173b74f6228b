/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import static dev.limiter.jaxrs.internal.ServletAddressFilter.ADDRESS_PROPERTY;

import dev.limiter.EndpointLimits;
import dev.limiter.Outcome;
import dev.limiter.RateLimiter;
import dev.limiter.http.HttpContract;
import dev.limiter.http.RateLimitResponse;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Enforces the limits of one resource method: the request filter decides and refuses, the response
 * filter adds the rate-limit header fields to responses it let through.
 *
 * <p>The decision travels from one filter to the other as a request property. The client address
 * comes the same way from {@link dev.limiter.jaxrs.internal.ServletAddressFilter}, where a servlet
 * container provides it.
 */
final class EndpointFilter implements ContainerRequestFilter, ContainerResponseFilter {

  /** The request property that carries the {@link RateLimitResponse} to the response filter. */
  static final String RESPONSE_PROPERTY = "dev.limiter.jaxrs.RateLimitResponse";

  private final RateLimiter limiter;
  private final Function<ContainerRequestContext, EndpointLimits> limits;
  private final HttpContract contract;

  /** Enforces {@code limits}, known at deployment. */
  EndpointFilter(RateLimiter limiter, EndpointLimits limits, HttpContract contract) {
    this(limiter, request -> limits, contract);
  }

  /** Enforces the limits {@code limits} finds for each request, none when they are empty. */
  EndpointFilter(
      RateLimiter limiter,
      Function<ContainerRequestContext, EndpointLimits> limits,
      HttpContract contract) {
    this.limiter = limiter;
    this.limits = limits;
    this.contract = contract;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    EndpointLimits endpoint = limits.apply(request);
    if (endpoint.isEmpty()) {
      return;
    }
    Outcome outcome = limiter.check(endpoint, new JaxrsRequest(request, remoteAddress(request)));
    RateLimitResponse response =
        contract.respond(outcome, request.getHeaderString("Origin") != null);
    if (response.proceed()) {
      if (!response.headers().isEmpty()) {
        request.setProperty(RESPONSE_PROPERTY, response);
      }
      return;
    }
    Response.ResponseBuilder refusal = Response.status(response.status());
    response.applyHeaders(refusal::header, refusal::header); // a new response: nothing to replace
    // bytes, not a String, so that no message body writer re-encodes or adds a charset
    String body = response.body() == null ? "" : response.body();
    refusal.header("Content-Type", response.contentType());
    refusal.entity(body.getBytes(StandardCharsets.UTF_8));
    request.abortWith(refusal.build());
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (!(request.getProperty(RESPONSE_PROPERTY) instanceof RateLimitResponse allowed)) {
      return; // a refusal carries its fields already
    }
    request.removeProperty(RESPONSE_PROPERTY);
    MultivaluedMap<String, Object> headers = response.getHeaders();
    allowed.applyHeaders(headers::putSingle, headers::add);
  }

  /**
   * Returns the address of the socket peer, or an empty string when the runtime does not say, in
   * which case keys on {@code ip} do not resolve and the request is answered with a 400.
   */
  private static String remoteAddress(ContainerRequestContext request) {
    return request.getProperty(ADDRESS_PROPERTY) instanceof String address ? address : "";
  }
}
