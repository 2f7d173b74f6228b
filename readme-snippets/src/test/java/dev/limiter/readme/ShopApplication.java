/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.readme;

import dev.limiter.jaxrs.RateLimitFeature;
import org.glassfish.jersey.server.ResourceConfig;

// spotless:off
// README: jaxrs register class
public class ShopApplication extends ResourceConfig {   // or a jakarta.ws.rs.core.Application
  public ShopApplication() {
    register(SearchResource.class);
    register(RateLimitFeature.class);
  }
}
// README end
// spotless:on
