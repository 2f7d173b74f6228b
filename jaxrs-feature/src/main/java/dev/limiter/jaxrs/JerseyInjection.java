/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import jakarta.ws.rs.core.FeatureContext;
import java.util.function.Consumer;
import org.glassfish.jersey.InjectionManagerProvider;
import org.glassfish.jersey.internal.inject.InjectionManager;

/**
 * Jersey's own way to inject a provider instance once. Only loaded when {@link #AVAILABLE}: the
 * feature runs on any Jakarta REST runtime, and Jersey is an optional dependency.
 */
final class JerseyInjection {

  /** Whether Jersey's injection manager is on the feature's class path. */
  static final boolean AVAILABLE = present("org.glassfish.jersey.InjectionManagerProvider");

  private JerseyInjection() {}

  /**
   * Returns what injects an instance's {@code @Context} members through the injection manager
   * behind {@code context}, the application's (a {@code Feature}'s) context.
   *
   * @throws IllegalArgumentException if {@code context} is not Jersey's
   */
  static Consumer<Object> injector(FeatureContext context) {
    InjectionManager manager = InjectionManagerProvider.getInjectionManager(context);
    return manager::inject;
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, JerseyInjection.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
