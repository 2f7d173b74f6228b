/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.readme;

import dev.limiter.Admission;
import dev.limiter.annotation.ConcurrencyLimit;
import dev.limiter.annotation.RateLimit;
import dev.limiter.servlet.RateLimitFilter;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The README's servlets that correct their charge through their admission. */
@SuppressWarnings("serial") // the servlets of the README keep no serialVersionUID
final class ServletAdmission {

  private ServletAdmission() {}

  static long writeRows(HttpServletRequest request, HttpServletResponse response) {
    return 1;
  }

  static boolean fromCache(HttpServletRequest request) {
    return false;
  }

  // spotless:off
  // README: servlet admission current
  @ConcurrencyLimit(name = "exports", max = 2, key = "apiKey")
  @RateLimit(name = "export-rows", window = "1h", max = 100000, key = "apiKey")
  public static class ExportServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      long rows = writeRows(request, response);
      if (rows > 1) {
        // the request cost 1 row when it was let in; charge the others now that they are known
        Admission.current().orElseThrow().charge("export-rows", rows - 1);
      }
    }
  }
  // README end

  // README: servlet admission async
  @RateLimit(name = "search", window = "1m", max = 60, key = "apiKey")
  public static class SearchServlet extends HttpServlet {
    private final ExecutorService workers = Executors.newFixedThreadPool(4);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) {
      Admission admission = RateLimitFilter.admission(request).orElseThrow();
      AsyncContext async = request.startAsync();
      workers.execute(() -> {
        try {
          if (fromCache(request)) {
            admission.refund(); // answered from the cache: this one is free
          }
          // ... write the response
        } finally {
          async.complete(); // the filter completes the admission when the response does
        }
      });
    }
  }
  // README end
  // spotless:on
}
