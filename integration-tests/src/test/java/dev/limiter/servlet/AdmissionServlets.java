/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import dev.limiter.Admission;
import dev.limiter.annotation.ConcurrencyLimit;
import dev.limiter.annotation.IdempotencyKey;
import dev.limiter.annotation.RateLimit;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The servlets of the tests of issue 13: limits on requests in flight, responses of every kind
 * (errors, exceptions, asynchronous, timed out, abandoned by the client), counting by status,
 * refunds and charges, idempotent retries, exemptions and anonymous-or-keyed limits.
 */
final class AdmissionServlets {

  private AdmissionServlets() {}

  /** Holds every request until {@link #release} opens; three in flight at once. */
  @ConcurrencyLimit(name = "held", max = 3, key = "global")
  public static final class Held extends HttpServlet {
    private static final long serialVersionUID = 1L;

    static volatile CountDownLatch release = new CountDownLatch(0);
    static final AtomicInteger entered = new AtomicInteger();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      entered.incrementAndGet();
      try {
        if (!release.await(20, TimeUnit.SECONDS)) {
          response.sendError(504, "never released");
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        response.sendError(503);
        return;
      }
      TestServlets.write(response, "held");
    }
  }

  /**
   * Answers as its path says, under the URL policy on requests in flight of {@code /mixed/*}:
   * {@code /ok}, {@code /204}, {@code /throw}, {@code /404} and {@code /500} (sendError), {@code
   * /async} and {@code /async-503} (completed on another thread), {@code /dispatch} (an async
   * dispatch to {@code /mixed/async}, which goes asynchronous again), {@code /timeout} (async,
   * never completed, 50 ms timeout), {@code /timeout-503} (the same, its own listener answering the
   * timeout with 503), {@code /slow} (writes until the client goes away), {@code /slow-throw} (the
   * same, then throws) and {@code /slow-async} (writes asynchronously, with a {@link
   * WriteListener}, until the client goes away).
   */
  public static final class Mixed extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /**
     * Requests of {@code /slow}, {@code /slow-throw} and {@code /slow-async} that saw the client
     * go.
     */
    static final AtomicInteger abandoned = new AtomicInteger();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String kind = request.getPathInfo() == null ? "/ok" : request.getPathInfo();
      switch (kind) {
        case "/ok" -> TestServlets.write(response, "ok");
        case "/204" -> response.setStatus(204);
        case "/throw" -> throw new IllegalStateException("thrown on purpose by the test servlet");
        case "/404" -> response.sendError(404);
        case "/500" -> response.sendError(500);
        case "/async" -> later(request, 200);
        case "/async-503" -> later(request, 503);
        case "/dispatch" -> {
          AsyncContext async = request.startAsync();
          async.start(() -> async.dispatch("/mixed/async"));
        }
        case "/timeout" -> request.startAsync().setTimeout(50);
        case "/timeout-503" -> answerTheTimeout(request);
        case "/slow" -> writeUntilGone(response);
        case "/slow-throw" -> {
          writeUntilGone(response);
          throw new IOException("the client went away (rethrown on purpose by the test servlet)");
        }
        case "/slow-async" -> slowAsync(request, response);
        default -> response.sendError(400, "unknown kind " + kind);
      }
    }

    /** Goes asynchronous for 50 ms and answers the timeout itself with 503, as its listener. */
    private static void answerTheTimeout(HttpServletRequest request) {
      AsyncContext async = request.startAsync();
      async.setTimeout(50);
      async.addListener(
          new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) throws IOException {
              HttpServletResponse response = (HttpServletResponse) async.getResponse();
              response.setStatus(503);
              TestServlets.write(response, "timed out");
              async.complete();
            }

            @Override
            public void onComplete(AsyncEvent event) {}

            @Override
            public void onError(AsyncEvent event) {}

            @Override
            public void onStartAsync(AsyncEvent event) {}
          });
    }

    private static void later(HttpServletRequest request, int status) {
      AsyncContext async = request.startAsync();
      async.start(
          () -> {
            try {
              HttpServletResponse response = (HttpServletResponse) async.getResponse();
              response.setStatus(status);
              TestServlets.write(response, "async " + status);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            } finally {
              async.complete();
            }
          });
    }

    /**
     * Writes asynchronously, with a {@link WriteListener}, until the client goes away: the
     * container calls the listener whenever the connection takes more, and its {@code onError} when
     * the client went, then ends the request itself. The writes run only in the container's
     * callbacks, so none can reach a response the container has ended (an application thread that
     * writes on after a reset connection ended the request, as Tomcat does on its own, reaches
     * objects Tomcat has recycled, maybe for another request).
     */
    private static void slowAsync(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      AsyncContext async = request.startAsync();
      async.setTimeout(30_000);
      response.setContentType("application/octet-stream");
      ServletOutputStream out = response.getOutputStream();
      byte[] chunk = new byte[1024];
      Arrays.fill(chunk, (byte) 'x');
      out.setWriteListener(
          new WriteListener() {
            @Override
            public void onWritePossible() throws IOException {
              while (out.isReady()) {
                out.write(chunk); // until the connection's buffers are full; then called again
              }
            }

            @Override
            public void onError(Throwable failure) {
              abandoned.incrementAndGet();
              try {
                async.complete(); // Jetty leaves that to the application, Tomcat does it itself
              } catch (IllegalStateException e) {
                // completed already
              }
            }
          });
    }

    /** Writes a kilobyte every few milliseconds until a write fails; at most 15 seconds. */
    private static void writeUntilGone(HttpServletResponse response) throws IOException {
      response.setContentType("application/octet-stream");
      ServletOutputStream out = response.getOutputStream();
      byte[] chunk = new byte[1024];
      Arrays.fill(chunk, (byte) 'x');
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (System.nanoTime() < deadline) {
        try {
          out.write(chunk);
          out.flush();
        } catch (IOException e) {
          abandoned.incrementAndGet();
          return;
        }
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * A login that answers 401 unless {@code password=secret}; only failures count, five per user and
   * address in 15 minutes.
   */
  @RateLimit(name = "login", window = "15m", max = 5, key = "ip+query:user", countOn = "401,403")
  public static final class Login extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      answer(request, response);
    }

    static void answer(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      if ("secret".equals(request.getParameter("password"))) {
        TestServlets.write(response, "welcome");
      } else {
        response.setStatus(401);
        TestServlets.write(response, "wrong password");
      }
    }
  }

  /** The same login without an annotation, for the URL policy with {@code count-on}. */
  public static final class PlainLogin extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      Login.answer(request, response);
    }
  }

  /**
   * Ten credits an hour per tenant; corrects its charge as the query says: {@code action=refund},
   * {@code refund-policy}, {@code charge&units=N} or {@code charge-refund&units=N} (a charge, then
   * a refund of all the request took), through {@code via=current} ({@link Admission#current()}),
   * {@code attribute} (the request attribute), {@code helper} ({@link RateLimitFilter#admission})
   * or {@code async} (the attribute read on another thread, after {@code startAsync}). Writes what
   * the call returned.
   */
  @RateLimit(name = "credits", window = "1h", max = 10, key = "header:X-Tenant")
  public static final class Credits extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String via = request.getParameter("via");
      if ("async".equals(via)) {
        AsyncContext async = request.startAsync();
        async.start(
            () -> {
              try {
                Admission admission = (Admission) request.getAttribute(Admission.ATTRIBUTE);
                TestServlets.write(
                    (HttpServletResponse) async.getResponse(),
                    correct(request, admission) + " current=" + Admission.current().isPresent());
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              } finally {
                async.complete();
              }
            });
        return;
      }
      Admission admission =
          switch (via == null ? "current" : via) {
            case "attribute" -> (Admission) request.getAttribute(Admission.ATTRIBUTE);
            case "helper" -> RateLimitFilter.admission(request).orElseThrow();
            default -> Admission.current().orElseThrow();
          };
      TestServlets.write(response, correct(request, admission));
    }

    private static long units(HttpServletRequest request) {
      return Long.parseLong(request.getParameter("units"));
    }

    private static String correct(HttpServletRequest request, Admission admission) {
      String action = request.getParameter("action");
      if (action == null) {
        return "none";
      }
      return switch (action) {
        case "refund" -> {
          admission.refund();
          yield "refunded";
        }
        case "refund-policy" -> {
          admission.refund("credits");
          yield "refunded";
        }
        case "charge" -> "charged " + admission.charge("credits", units(request));
        case "charge-refund" -> {
          long charged = admission.charge("credits", units(request));
          admission.refund();
          yield "charged " + charged + " refunded";
        }
        default -> throw new IllegalArgumentException("unknown action " + action);
      };
    }
  }

  /** Tells whether an admission is current or in the request: for a request without limits. */
  public static final class Probe extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      TestServlets.write(
          response,
          "current="
              + Admission.current().isPresent()
              + " attribute="
              + (request.getAttribute(Admission.ATTRIBUTE) != null)
              + " helper="
              + RateLimitFilter.admission(request).isPresent());
    }
  }

  /** Two orders an hour per tenant; a retry with the same Idempotency-Key is not charged. */
  @IdempotencyKey(window = "24h")
  @RateLimit(name = "orders", window = "1h", max = 2, key = "header:X-Tenant")
  public static final class Orders extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      TestServlets.write(response, "ordered");
    }
  }

  /** The same on the method, with the header named. */
  public static final class MethodOrders extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    @IdempotencyKey(window = "24h", header = "X-Request-Id")
    @RateLimit(name = "method-orders", window = "1h", max = 2, key = "header:X-Tenant")
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      TestServlets.write(response, "ordered");
    }
  }

  /** Three a hour by a global counter, for the exemptions. */
  @RateLimit(name = "shared-global", window = "1h", max = 3, key = "global")
  public static final class Global extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      TestServlets.write(response, "global");
    }
  }

  /**
   * Anonymous callers are limited by address, callers with an API key or a bearer token by that key
   * only.
   */
  @RateLimit(name = "anonymous", window = "1h", max = 3, key = "ip", unless = "apiKey|bearer")
  @RateLimit(name = "keyed", window = "1h", max = 5, key = "apiKey|bearer", optional = true)
  public static final class AnonymousOrKeyed extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      TestServlets.write(response, "served");
    }
  }
}
