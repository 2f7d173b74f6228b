/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs.internal;

import dev.limiter.RequestView;
import dev.limiter.http.RateLimitResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.lang.reflect.Field;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the servlet request and response behind a request of Jersey's servlet container, read
 * from the objects Jersey made for the request rather than through its request-scoped injection.
 *
 * <p>Jersey injects a {@code @Context HttpServletRequest} into a provider instance as a proxy that
 * looks the request up in its request scope, and creates the scope's instance, on the first call of
 * every request: about a tenth of the server's time on a limited endpoint that answers at once. The
 * request Jersey hands to the filters holds the servlet request in its properties delegate and the
 * servlet response in its response writer, in private fields; this class reads those fields. They
 * are not Jersey's API, so everything is checked: the classes by name, the fields by type, and any
 * failure (another Jersey, a module that does not open the package, a request of Jersey's in-memory
 * or another container) answers null, and the callers take the portable way: the injected {@link
 * ServletAddressFilter}, and the runtime's header map.
 *
 * <p>Thread-safe: the fields found for one Jersey are kept in an immutable value.
 */
public final class JerseyServlet {

  private static final String CONTAINER_REQUEST = "org.glassfish.jersey.server.ContainerRequest";
  private static final String SERVLET_DELEGATE =
      "org.glassfish.jersey.servlet.ServletPropertiesDelegate";
  private static final String SERVLET_WRITER =
      "org.glassfish.jersey.servlet.internal.ResponseWriter";
  private static final String TRACING_DELEGATE =
      "org.glassfish.jersey.message.internal.TracingAwarePropertiesDelegate";

  /**
   * The names of every field the contract writes on a response it lets through (and more): a name
   * the runtime's map already holds sends the fields the runtime's way.
   */
  private static final String[] CONTRACT_NAMES = {
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "X-RateLimit-Policy",
    "RateLimit-Policy",
    "RateLimit",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Retry-After",
    "Cache-Control",
    "Access-Control-Expose-Headers"
  };

  /** The fields of the last Jersey seen; {@link Fields#NONE} once they cannot be read. */
  private static volatile @Nullable Fields fields;

  private JerseyServlet() {}

  /**
   * Returns the socket peer's address of a request of Jersey's servlet container, as {@link
   * RequestView#peerAddress} writes it.
   *
   * @param request the request the runtime hands to a filter
   * @return the address, empty when the container reports none; null when {@code request} is not
   *     one of Jersey's servlet container or its servlet request cannot be read
   */
  public static @Nullable String remoteAddress(ContainerRequestContext request) {
    HttpServletRequest servlet = servletRequest(request);
    return servlet == null ? null : RequestView.peerAddress(servlet.getRemoteAddr());
  }

  /**
   * Sets header fields on the servlet response of a request of Jersey's servlet container, when the
   * runtime's own header map holds none of their names, so that Jersey neither converts them nor
   * writes them a second time. Jersey sets each field of its map on the servlet response, replacing
   * a value there, when it writes the response's status and header fields, which every response it
   * writes goes through, so a field set here is what it would have set.
   *
   * @param request the request the runtime hands to a response filter
   * @param runtimeHeaders the response's header map in the runtime
   * @param fields the response whose fields to set, in order
   * @return whether the fields were set; false when the caller must put them in {@code
   *     runtimeHeaders}
   */
  public static boolean setHeaders(
      ContainerRequestContext request, Map<String, ?> runtimeHeaders, RateLimitResponse fields) {
    if (!runtimeHeaders.isEmpty()) {
      for (String name : runtimeHeaders.keySet()) {
        for (String field : CONTRACT_NAMES) {
          if (field.equalsIgnoreCase(name)) {
            return false; // the application's value is in the map: keep how it meets the field
          }
        }
      }
    }
    HttpServletResponse servlet = servletResponse(request);
    if (servlet == null || servlet.isCommitted()) {
      return false;
    }
    // Jersey sets a field whose name the servlet response has, and adds it otherwise: the same
    fields.applyHeaders(servlet::setHeader, servlet::setHeader);
    return true;
  }

  /**
   * Whether the servlet request behind {@code request} can be read here, so that {@link
   * #remoteAddress} answers without an injected servlet request.
   *
   * @param request the request the runtime hands to a filter
   * @return whether {@link #remoteAddress} answers for {@code request}
   */
  public static boolean readsServletRequest(ContainerRequestContext request) {
    return servletRequest(request) != null;
  }

  private static @Nullable HttpServletRequest servletRequest(ContainerRequestContext request) {
    Fields known = fieldsOf(request);
    if (known == null) {
      return null;
    }
    Object delegate = known.read(known.delegate, request);
    if (delegate != null && delegate.getClass() == known.tracingDelegate) {
      delegate = known.read(known.tracedDelegate, delegate); // how Jersey's requests hold it
    }
    if (delegate == null || delegate.getClass() != known.servletDelegate) {
      return null;
    }
    return known.read(known.servletRequest, delegate) instanceof HttpServletRequest servlet
        ? servlet
        : null;
  }

  private static @Nullable HttpServletResponse servletResponse(ContainerRequestContext request) {
    Fields known = fieldsOf(request);
    if (known == null) {
      return null;
    }
    Object writer = known.read(known.writer, request);
    if (writer == null || writer.getClass() != known.servletWriter) {
      return null;
    }
    return known.read(known.servletResponse, writer) instanceof HttpServletResponse servlet
        ? servlet
        : null;
  }

  /** The fields for {@code request}'s class, or null when it is not Jersey's servlet request. */
  private static @Nullable Fields fieldsOf(ContainerRequestContext request) {
    Class<?> type = request.getClass();
    Fields known = fields;
    if (known != null && known.containerRequest == type) {
      return known;
    }
    if (!type.getName().equals(CONTAINER_REQUEST)) {
      return null;
    }
    if (known == Fields.NONE) {
      return null; // this Jersey's fields could not be read: never try again
    }
    Fields found = Fields.find(type);
    fields = found;
    return found == Fields.NONE ? null : found;
  }

  /** The private fields of one Jersey's classes, opened for reading. */
  private static final class Fields {
    static final Fields NONE =
        new Fields(Object.class, null, null, null, null, null, null, null, null);

    final Class<?> containerRequest;
    final @Nullable Field delegate;
    final @Nullable Class<?> tracingDelegate;
    final @Nullable Field tracedDelegate;
    final @Nullable Class<?> servletDelegate;
    final @Nullable Field servletRequest;
    final @Nullable Field writer;
    final @Nullable Class<?> servletWriter;
    final @Nullable Field servletResponse;

    private Fields(
        Class<?> containerRequest,
        @Nullable Field delegate,
        @Nullable Class<?> tracingDelegate,
        @Nullable Field tracedDelegate,
        @Nullable Class<?> servletDelegate,
        @Nullable Field servletRequest,
        @Nullable Field writer,
        @Nullable Class<?> servletWriter,
        @Nullable Field servletResponse) {
      this.containerRequest = containerRequest;
      this.delegate = delegate;
      this.tracingDelegate = tracingDelegate;
      this.tracedDelegate = tracedDelegate;
      this.servletDelegate = servletDelegate;
      this.servletRequest = servletRequest;
      this.writer = writer;
      this.servletWriter = servletWriter;
      this.servletResponse = servletResponse;
    }

    static Fields find(Class<?> containerRequest) {
      try {
        ClassLoader loader = containerRequest.getClassLoader();
        Class<?> delegateType = Class.forName(SERVLET_DELEGATE, false, loader);
        Class<?> writerType = Class.forName(SERVLET_WRITER, false, loader);
        Class<?> tracingType = Class.forName(TRACING_DELEGATE, false, loader);
        return new Fields(
            containerRequest,
            open(containerRequest, "propertiesDelegate", Object.class),
            tracingType,
            open(tracingType, "propertiesDelegate", Object.class),
            delegateType,
            open(delegateType, "request", HttpServletRequest.class),
            open(containerRequest, "responseWriter", Object.class),
            writerType,
            open(writerType, "response", HttpServletResponse.class));
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        return NONE; // not this Jersey's layout, or not open to this module
      }
    }

    private static Field open(Class<?> owner, String name, Class<?> type)
        throws NoSuchFieldException {
      Field field = owner.getDeclaredField(name);
      if (!field.getType().isAssignableFrom(type) && !type.isAssignableFrom(field.getType())) {
        throw new NoSuchFieldException(owner.getName() + "." + name + " is a " + field.getType());
      }
      field.setAccessible(true);
      return field;
    }

    @Nullable Object read(@Nullable Field field, Object owner) {
      if (field == null) {
        return null;
      }
      try {
        return field.get(owner);
      } catch (IllegalAccessException | RuntimeException e) {
        return null;
      }
    }
  }
}
