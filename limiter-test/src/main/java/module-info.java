/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** The compatibility kit every {@link dev.limiter.spi.RateLimitStore} should pass. */
module dev.limiter.test {
  requires transitive dev.limiter;
  requires transitive org.junit.jupiter.api;
  requires org.junit.jupiter.params;
  requires org.assertj.core;
  requires static transitive org.jspecify; // the nullness annotations are part of the API

  exports dev.limiter.test;
  // JUnit calls the kit's test methods and makes its @Nested classes reflectively
  opens dev.limiter.test to
      org.junit.platform.commons;
}
