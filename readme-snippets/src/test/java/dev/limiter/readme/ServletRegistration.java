/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.readme;

import dev.limiter.RateLimiter;
import dev.limiter.caffeine.CaffeineStore;
import dev.limiter.http.HttpContract;
import dev.limiter.servlet.RateLimitFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.util.EnumSet;

/** The README's servlet filter registered in code. */
final class ServletRegistration implements ServletContextListener {

  @Override
  public void contextInitialized(ServletContextEvent event) {
    ServletContext servletContext = event.getServletContext();
    // spotless:off
    // README: servlet register in code
    RateLimiter limiter = RateLimiter.builder().store(CaffeineStore.ofDefaults()).build();
    FilterRegistration.Dynamic filter = servletContext.addFilter(
        "rate-limit", new RateLimitFilter(limiter, HttpContract.from(limiter.config())));
    filter.setAsyncSupported(true);
    filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    // README end
    // spotless:on
  }
}
