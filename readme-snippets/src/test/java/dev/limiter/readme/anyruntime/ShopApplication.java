/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.readme.anyruntime;

import dev.limiter.jaxrs.RateLimitFeature;
import dev.limiter.readme.SearchResource;
import jakarta.ws.rs.core.Application;
import java.util.Set;

// spotless:off
// README: jaxrs application any runtime
public class ShopApplication extends Application {
  @Override
  public Set<Class<?>> getClasses() {
    return Set.of(SearchResource.class, RateLimitFeature.class);
  }
}
// README end
// spotless:on
