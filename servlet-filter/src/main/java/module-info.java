/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** The Jakarta Servlet adapter: a filter that limits the requests it sees. */
module dev.limiter.servlet {
  requires transitive dev.limiter;
  requires transitive jakarta.servlet;
  requires static transitive org.jspecify; // the nullness annotations are part of the API

  exports dev.limiter.servlet;
}
