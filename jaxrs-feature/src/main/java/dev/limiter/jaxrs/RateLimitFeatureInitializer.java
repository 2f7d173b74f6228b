/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import dev.limiter.jaxrs.internal.ServletLifecycle;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Closes, when a servlet context is destroyed (the web application stops or is undeployed), the
 * rate limiters that {@link RateLimitFeature} built for the JAX-RS applications of that context,
 * and with them the stores they found on the class path.
 *
 * <p>Servlet containers that scan the application's jars for {@code
 * META-INF/services/jakarta.servlet.ServletContainerInitializer} find it in this jar and run it: a
 * WAR in Tomcat, Jetty with its annotations module, or any Jakarta EE server, need nothing more. An
 * embedded server that scans nothing needs it added by hand:
 *
 * <pre>{@code
 * jettyContext.addServletContainerInitializer(new RateLimitFeatureInitializer()); // Jetty 12
 * tomcatContext.addServletContainerInitializer(new RateLimitFeatureInitializer(), null); // Tomcat
 * }</pre>
 *
 * <p>Where it did not run, the feature says so in the log (logger {@code dev.limiter.jaxrs}, level
 * WARNING) when it is deployed.
 */
public final class RateLimitFeatureInitializer implements ServletContainerInitializer {

  /** Creates the initializer; called by the servlet container. */
  public RateLimitFeatureInitializer() {}

  /**
   * Adds the listener that closes the features' limiters when {@code context} is destroyed.
   *
   * @param classes ignored
   * @param context the starting servlet context
   */
  @Override
  public void onStartup(@Nullable Set<Class<?>> classes, ServletContext context) {
    ServletLifecycle.install(context);
  }
}
