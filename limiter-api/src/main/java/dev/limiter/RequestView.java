/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The parts of an HTTP request that key expressions read, implemented by each web adapter.
 *
 * <p>Every method returns the raw value as the request carries it, or null when it is absent; the
 * engine treats an empty value as absent.
 */
public interface RequestView {

  /**
   * Returns the first value of a request header.
   *
   * @param name the header name, case-insensitive
   * @return the value, or null if the request has no such header
   */
  @Nullable String header(String name);

  /**
   * Returns every value of a request header, one per header line, in the order the request carries
   * them. The client address is read from all the lines of its forwarding header: a proxy may add a
   * line of its own after the client's rather than append to it.
   *
   * @param name the header name, case-insensitive
   * @return the values, empty if the request has no such header
   */
  List<String> headers(String name);

  /**
   * Returns the first value of a query parameter, decoded.
   *
   * @param name the parameter name
   * @return the value, or null if absent
   */
  @Nullable String queryParameter(String name);

  /**
   * Returns the value of a path parameter of the matched route (JAX-RS {@code @Path("{id}")}).
   *
   * @param name the parameter name
   * @return the value, or null if absent or if the adapter has no path parameters
   */
  @Nullable String pathParameter(String name);

  /**
   * Returns the name of the authenticated user.
   *
   * @return the principal's name, or null when the request is not authenticated
   */
  @Nullable String principal();

  /**
   * Returns the address of the socket peer, the host that opened the connection.
   *
   * @return the peer's IP address as text, as {@link #peerAddress} writes it; empty when the
   *     adapter cannot know it
   */
  String remoteAddress();

  /**
   * Returns a peer address that a container reports in the form {@link #remoteAddress()} returns:
   * an IPv6 literal without the brackets some containers put around it ({@code [::1]} is {@code
   * ::1}, {@code [fe80::1%eth0]} is {@code fe80::1%eth0}, zone kept), and {@code ""} when the
   * container reports none. Any other text, brackets that do not pair up included, is returned as
   * it is; an adapter calls this rather than strip brackets its own way.
   *
   * @param reported the container's text, such as {@code HttpServletRequest.getRemoteAddr()}, or
   *     null when it has none
   * @return the address text; empty when there is none
   */
  static String peerAddress(@Nullable String reported) {
    if (reported == null) {
      return "";
    }
    int last = reported.length() - 1;
    boolean bracketed =
        last >= 1
            && reported.charAt(0) == '['
            && reported.indexOf(']') == last
            && reported.indexOf('[', 1) < 0;
    return bracketed ? reported.substring(1, last) : reported;
  }
}
