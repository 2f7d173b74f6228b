/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.ee10;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletRegistration;
import jakarta.ws.rs.core.Application;
import java.net.http.HttpResponse;
import java.util.Map;

/** The checks both runtimes pass on Jakarta REST 3.1. */
final class JaxrsOnEe10 {

  private JaxrsOnEe10() {}

  /** Deploys {@link JaxrsApplication} with {@code servletClass}, as a {@code web.xml} would. */
  static ServletContainerInitializer app(String servletClass) {
    return (classes, context) -> {
      ServletRegistration.Dynamic servlet = context.addServlet("jaxrs", servletClass);
      servlet.setInitParameter("jakarta.ws.rs.Application", JaxrsApplication.class.getName());
      servlet.setLoadOnStartup(1);
      servlet.setAsyncSupported(true);
      servlet.addMapping("/*");
    };
  }

  static void admitsExactlyMax(Container.Running server, String runtimePackage) throws Exception {
    assertThat(Application.class.getProtectionDomain().getCodeSource().getLocation().getPath())
        .as("the Jakarta REST API on the class path")
        .contains("jakarta.ws.rs-api-3.1.");

    HttpResponse<String> first = server.get("/items/solo");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).as("the runtime's RuntimeDelegate").startsWith(runtimePackage);
    assertThat(first.headers().firstValue("X-RateLimit-Limit")).hasValue("10");
    assertThat(first.headers().firstValue("X-RateLimit-Remaining")).hasValue("9");

    Map<Integer, Integer> statuses = server.burst(16, 40, "/items/shared");

    assertThat(statuses).containsExactlyInAnyOrderEntriesOf(Map.of(200, 10, 429, 30));
    HttpResponse<String> refused = server.get("/items/shared");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(refused.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    HttpResponse<String> plain = server.get("/plain");
    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(plain.headers().firstValue("X-RateLimit-Limit")).isEmpty();
  }

  /**
   * Every way a request ends gives its slot back: after a hundred requests that returned, resumed
   * from another thread, timed out or threw, a request still finds all slots but its own free.
   */
  static void givesSlotsBack(Container.Running server) throws Exception {
    Map<String, Integer> expected =
        Map.of("sync", 200, "async", 200, "timeout", 503, "unmapped", 500);
    for (int i = 0; i < 25; i++) {
      for (Map.Entry<String, Integer> way : expected.entrySet()) {
        HttpResponse<String> response =
            server.get("/inflight/" + way.getKey(), "X-Client", "ee10-slots");
        assertThat(response.statusCode()).as(way.getKey()).isEqualTo(way.getValue());
      }
    }
    // a slot a servlet filter gives back may come back just after its response did
    long deadline = System.nanoTime() + 5_000_000_000L;
    HttpResponse<String> last;
    do {
      last = server.get("/inflight/sync", "X-Client", "ee10-slots");
    } while (!last.headers().firstValue("X-RateLimit-Remaining").orElseThrow().equals("1")
        && System.nanoTime() < deadline);
    assertThat(last.headers().firstValue("X-RateLimit-Limit")).hasValue("2");
    assertThat(last.headers().firstValue("X-RateLimit-Remaining")).hasValue("1");
  }
}
