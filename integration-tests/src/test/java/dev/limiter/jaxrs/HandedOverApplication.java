/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import jakarta.ws.rs.core.Application;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The application a servlet deploys by class name, as in a {@code web.xml} ({@code
 * jakarta.ws.rs.Application} init parameter): the runtime creates it, and it serves the classes,
 * singletons and properties of the application {@link TestServer} hands over just before it starts
 * the servlet.
 */
public final class HandedOverApplication extends Application {

  private static volatile Application next = new Application();

  private final Application application;

  /** Called by the JAX-RS runtime when the servlet starts. */
  public HandedOverApplication() {
    this.application = next;
  }

  /** Makes {@code application} the one the next servlet deploys. */
  static void handOver(Application application) {
    next = Objects.requireNonNull(application, "application");
  }

  @Override
  public Set<Class<?>> getClasses() {
    return application.getClasses();
  }

  @Override
  @SuppressWarnings("deprecation") // the standard way to give a runtime provider instances
  public Set<Object> getSingletons() {
    return application.getSingletons();
  }

  @Override
  public Map<String, Object> getProperties() {
    Map<String, Object> properties = new HashMap<>(application.getProperties());
    properties.put("jersey.config.server.wadl.disableWadl", true); // Jersey's, others ignore it
    return properties;
  }
}
