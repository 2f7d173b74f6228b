/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.benchmarks.http;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The work every endpoint of {@link HttpPeerServer} does: {@code {"ok":true}} as {@code
 * application/json}, the body of the demo's {@code /api/bench/plain}.
 */
final class OkServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  static final String BODY = "{\"ok\":true}";

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setContentType("application/json");
    response.getWriter().write(BODY);
  }
}
