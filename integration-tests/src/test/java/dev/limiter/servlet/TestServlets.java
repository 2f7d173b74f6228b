/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import dev.limiter.annotation.RateLimit;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The servlets the integration tests put behind the filter. */
final class TestServlets {

  private TestServlets() {}

  static void write(HttpServletResponse response, String text) throws IOException {
    response.setContentType("text/plain;charset=utf-8");
    response.getWriter().write(text);
  }

  /** Limited at class level: every method. */
  @RateLimit(name = "class-limited", window = "1m", max = 2, key = "apiKey")
  public static final class ClassLimited extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      write(response, "class");
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      write(response, "class-post");
    }
  }

  /** Limited on doGet only: GET is limited, POST is not. */
  public static final class MethodLimited extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    @RateLimit(name = "get-only", window = "1m", max = 1, key = "header:X-User")
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      write(response, "get");
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      write(response, "post");
    }
  }

  /** Answers from another thread through an AsyncContext. */
  @RateLimit(name = "async", window = "1m", max = 1, key = "apiKey")
  public static final class Async extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) {
      AsyncContext async = request.startAsync();
      async.start(
          () -> {
            try {
              write((HttpServletResponse) async.getResponse(), "async");
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            } finally {
              async.complete();
            }
          });
    }
  }

  /**
   * Keyed on a query parameter; echoes every value of "user", so a form body shows it was not
   * consumed.
   */
  @RateLimit(name = "per-user", window = "1m", max = 2, key = "query:user")
  public static final class QueryKeyed extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      write(response, "user");
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String[] values = request.getParameterValues("user");
      write(response, values == null ? "" : String.join(",", values));
    }
  }

  /** Keyed on the client address, for the trusted-proxy tests. */
  @RateLimit(name = "per-ip", window = "1h", max = 1, key = "ip")
  public static final class IpKeyed extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      write(response, "ip");
    }
  }

  /** No annotation: unlimited unless a URL policy matches its path. */
  public static final class Plain extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      write(response, "plain");
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      write(response, "plain-post");
    }
  }

  /**
   * Tells which class loaders loaded the filter and the engine, as {@code filter=<loader>
   * engine=<loader>}, each {@code own} (this servlet's: the web application's) or {@code other}.
   */
  public static final class Loaders extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      ClassLoader own = Loaders.class.getClassLoader();
      write(
          response,
          "filter="
              + (RateLimitFilter.class.getClassLoader() == own ? "own" : "other")
              + " engine="
              + (dev.limiter.RateLimiter.class.getClassLoader() == own ? "own" : "other")
              + " system="
              + (ClassLoader.getSystemClassLoader() == own ? "own" : "other"));
    }
  }

  /** An invalid annotation: window "60x". */
  public static final class InvalidWindow extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    @RateLimit(name = "broken", window = "60x", max = 1, key = "ip")
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      write(response, "never");
    }
  }

  /** A limit on a path parameter, which servlets do not have. */
  public static final class PathKeyed extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    @RateLimit(name = "by-path", window = "1m", max = 1, key = "path:id")
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      write(response, "never");
    }
  }
}
