/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.boot;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Explains a start that the limiter failed, in Spring Boot's "APPLICATION FAILED TO START" report:
 * what is wrong (the message, which names the key or the class, method and attribute), where each
 * {@code ratelimit.*} key it names is set, and what to do. Registered in {@code
 * META-INF/spring.factories}; applications do not use it.
 */
final class RateLimitFailureAnalyzer extends AbstractFailureAnalyzer<IllegalStateException> {

  private final @Nullable Environment environment;

  /** Called by Spring Boot, with the application's environment when it has one. */
  RateLimitFailureAnalyzer(@Nullable Environment environment) {
    this.environment = environment;
  }

  @Override
  protected @Nullable FailureAnalysis analyze(Throwable rootFailure, IllegalStateException cause) {
    String message = cause.getMessage();
    if (message == null
        || !(message.startsWith("The rate limiter cannot start: ")
            || message.startsWith("RateLimitInterceptor cannot start: "))) {
      return null;
    }
    String description = message.substring(message.indexOf(": ") + 2);
    StringBuilder action = new StringBuilder();
    if (description.contains("@RateLimit")) {
      action.append(
          "Correct the @RateLimit annotation named above; annotations are read when the"
              + " application starts.");
    } else if (description.contains("rate-limit store")) {
      action.append(
          "Add a store module, or name one of those listed above in application.properties,"
              + " such as ratelimit.store=caffeine.");
    } else {
      action.append(
          "Correct the ratelimit.* value named above in the application properties or YAML, the"
              + " profile's file or the environment that sets it.");
    }
    if (environment != null) {
      List<String> origins = SpringProperties.origins(description, environment);
      for (String origin : origins) {
        action.append(System.lineSeparator()).append(origin).append('.');
      }
    }
    return new FailureAnalysis(
        "The rate limiter cannot start: " + description, action.toString(), cause);
  }
}
