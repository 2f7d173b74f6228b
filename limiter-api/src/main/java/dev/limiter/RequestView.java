package dev.limiter;

import org.jspecify.annotations.Nullable;

/**
 * The parts of an HTTP request that key expressions read, implemented by each web adapter.
 *
 * <p>Every method returns the raw value as the request carries it, or null when it is absent;
 * the engine treats an empty value as absent.
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
   * @return the peer's IP address as text
   */
  String remoteAddress();
}
