/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.ee10;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The JAX-RS feature on RESTEasy 6.2 (Jakarta REST 3.1), in Tomcat 10.1 and Jetty 12 ee10. Runs in
 * its own surefire execution, without Jersey on the class path.
 */
class ResteasyOnEe10Test {

  @ParameterizedTest
  @EnumSource(Container.class)
  void admitsExactlyMaxOfManyConcurrentRequestsOnOneKey(Container container) throws Exception {
    try (Container.Running server =
        container.start(
            JaxrsOnEe10.app("org.jboss.resteasy.plugins.server.servlet.HttpServlet30Dispatcher"))) {
      JaxrsOnEe10.admitsExactlyMax(server, "org.jboss.resteasy.");
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void givesEverySlotBackHoweverTheRequestEnds(Container container) throws Exception {
    try (Container.Running server =
        container.start(
            JaxrsOnEe10.app("org.jboss.resteasy.plugins.server.servlet.HttpServlet30Dispatcher"))) {
      JaxrsOnEe10.givesSlotsBack(server);
    }
  }
}
