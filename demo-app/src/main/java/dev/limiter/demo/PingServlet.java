/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo;

import dev.limiter.annotation.RateLimit;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** A plain servlet at {@code /servlet/ping}, limited on its class: 5 per minute per address. */
@RateLimit(name = "ping", window = "1m", max = 5, key = "ip")
public class PingServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  /** Creates the servlet. */
  public PingServlet() {}

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setContentType("application/json");
    response.getWriter().write("{\"pong\":true}");
  }
}
