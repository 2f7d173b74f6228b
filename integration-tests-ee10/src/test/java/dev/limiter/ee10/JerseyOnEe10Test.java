/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.ee10;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The JAX-RS feature on Jersey 3.1 (Jakarta REST 3.1), in Tomcat 10.1 and Jetty 12 ee10. */
class JerseyOnEe10Test {

  @ParameterizedTest
  @EnumSource(Container.class)
  void admitsExactlyMaxOfManyConcurrentRequestsOnOneKey(Container container) throws Exception {
    try (Container.Running server =
        container.start(JaxrsOnEe10.app("org.glassfish.jersey.servlet.ServletContainer"))) {
      JaxrsOnEe10.admitsExactlyMax(server, "org.glassfish.jersey.");
    }
  }

  @ParameterizedTest
  @EnumSource(Container.class)
  void givesEverySlotBackHoweverTheRequestEnds(Container container) throws Exception {
    try (Container.Running server =
        container.start(JaxrsOnEe10.app("org.glassfish.jersey.servlet.ServletContainer"))) {
      JaxrsOnEe10.givesSlotsBack(server);
    }
  }
}
