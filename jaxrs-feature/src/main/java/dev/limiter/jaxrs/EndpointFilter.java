/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import static dev.limiter.jaxrs.internal.ServletAddressFilter.ADDRESS_PROPERTY;
import static dev.limiter.jaxrs.internal.ServletCompletion.ADMISSION_PROPERTY;

import dev.limiter.Admission;
import dev.limiter.EndpointLimits;
import dev.limiter.RateLimiter;
import dev.limiter.http.HttpContract;
import dev.limiter.http.RateLimitResponse;
import dev.limiter.jaxrs.internal.JerseyServlet;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Enforces the limits of one resource method: the request filter admits or refuses, the response
 * filter completes the admission with the response's status and adds the rate-limit header fields
 * to responses it let through.
 *
 * <p>The admission and the header fields travel from one filter to the other as request properties,
 * which a servlet container keeps as attributes of the servlet request, where {@link
 * dev.limiter.jaxrs.internal.ServletCompletion} finds an admission that no response filter
 * completed (the response failed outside the runtime, or never came). The client address comes the
 * same way from {@link dev.limiter.jaxrs.internal.ServletAddressFilter}, where a servlet container
 * provides it.
 *
 * <p>While the resource method runs on the request's thread, the admission is {@link
 * Admission#current()}; the response filter clears it there, and {@link CurrentAdmissionReset}
 * clears what an asynchronous resource left on its thread when the thread serves its next request.
 */
final class EndpointFilter implements ContainerRequestFilter, ContainerResponseFilter {

  /** The request property that carries the {@link RateLimitResponse} to the response filter. */
  static final String RESPONSE_PROPERTY = "dev.limiter.jaxrs.RateLimitResponse";

  private final RateLimiter limiter;
  private final Function<ContainerRequestContext, EndpointLimits> limits;
  private final HttpContract contract;
  private final boolean servletApi;

  /**
   * Enforces {@code limits}, known at deployment; {@code servletApi} says whether the servlet API
   * is on the class path, so that {@link JerseyServlet} may be loaded.
   */
  EndpointFilter(
      RateLimiter limiter, EndpointLimits limits, HttpContract contract, boolean servletApi) {
    this(limiter, request -> limits, contract, servletApi);
  }

  /** Enforces the limits {@code limits} finds for each request, none when they are empty. */
  EndpointFilter(
      RateLimiter limiter,
      Function<ContainerRequestContext, EndpointLimits> limits,
      HttpContract contract,
      boolean servletApi) {
    this.limiter = limiter;
    this.limits = limits;
    this.contract = contract;
    this.servletApi = servletApi;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    EndpointLimits endpoint = limits.apply(request);
    if (endpoint.isEmpty()) {
      return;
    }
    Admission admission =
        limiter.admit(endpoint, new JaxrsRequest(request, remoteAddress(request, servletApi)));
    if (!admission.completed()) {
      // before anything that could throw: from here on, whatever ends the request completes it
      request.setProperty(ADMISSION_PROPERTY, admission);
    }
    RateLimitResponse response =
        contract.respond(admission.outcome(), request.getHeaderString("Origin") != null);
    if (response.proceed()) {
      if (!response.headers().isEmpty()) {
        request.setProperty(RESPONSE_PROPERTY, response);
      }
      if (request.getProperty(Admission.ATTRIBUTE) == null) {
        request.setProperty(Admission.ATTRIBUTE, admission); // a servlet filter's stays
      }
      Admission.setCurrent(admission);
      return;
    }
    admission.complete(response.status()); // a refusal holds nothing: changes nothing
    Response.ResponseBuilder refusal = Response.status(response.status());
    response.applyHeaders(refusal::header, refusal::header); // a new response: nothing to replace
    // bytes, not a String, so that no message body writer re-encodes or adds a charset
    String body = response.body() == null ? "" : response.body();
    refusal.header("Content-Type", response.contentType());
    refusal.entity(body.getBytes(StandardCharsets.UTF_8));
    request.abortWith(refusal.build());
  }

  /**
   * Completes the request's admission with the response's status, and adds the header fields. The
   * runtime runs response filters once the response is known, on whichever thread produced it: the
   * request's, or the one that resumed an asynchronous response, completed a {@code
   * CompletionStage} or timed it out (503). Also when an exception was mapped, by the application
   * or by the runtime's default mapper (500).
   */
  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (request.getProperty(ADMISSION_PROPERTY) instanceof Admission admission) {
      admission.complete(response.getStatus());
      clearCurrent(admission);
    }
    if (!(request.getProperty(RESPONSE_PROPERTY) instanceof RateLimitResponse allowed)) {
      return; // a refusal carries its fields already
    }
    request.removeProperty(RESPONSE_PROPERTY);
    MultivaluedMap<String, Object> headers = response.getHeaders();
    if (servletApi && JerseyServlet.setHeaders(request, headers, allowed)) {
      return; // on the servlet response already: Jersey neither converts nor copies them
    }
    allowed.applyHeaders(headers::putSingle, headers::add);
  }

  /**
   * Makes {@code admission} no longer this thread's current one, if it is: the thread that runs a
   * response filter may be serving another request (one that resumed this one's asynchronous
   * response), whose own admission stays.
   */
  static void clearCurrent(Admission admission) {
    if (Admission.current().orElse(null) == admission) {
      Admission.setCurrent(null);
    }
  }

  /**
   * Returns the address of the socket peer, or an empty string when the runtime does not say, in
   * which case keys on {@code ip} do not resolve and the request is answered with a 400: read from
   * the servlet request on Jersey's servlet container, else as {@link
   * dev.limiter.jaxrs.internal.ServletAddressFilter} handed it on.
   */
  private static String remoteAddress(ContainerRequestContext request, boolean servletApi) {
    if (servletApi) {
      String address = JerseyServlet.remoteAddress(request);
      if (address != null) {
        return address;
      }
    }
    return request.getProperty(ADDRESS_PROPERTY) instanceof String address ? address : "";
  }
}
