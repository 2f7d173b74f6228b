/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.ManualClock;
import dev.limiter.hazelcast.HazelcastStore;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** {@code --on-store-failure}: what the demo answers once its cluster member is gone. */
class DemoStoreFailureTest {

  private static TestDemo startAndLoseTheCluster(String mode, int port) throws Exception {
    TestDemo demo =
        TestDemo.start(
            ManualClock.at(TestDemo.START),
            "--store",
            "hazelcast",
            "--hazelcast-port",
            Integer.toString(port),
            "--on-store-failure",
            mode);
    assertThat(demo.get("/api/hello", "X-API-Key", "k").statusCode()).isEqualTo(200);
    ((HazelcastStore) demo.server().store()).instance().getLifecycleService().terminate();
    return demo;
  }

  @Test
  void closedAnswers503WithRetryAfter() throws Exception {
    try (TestDemo demo = startAndLoseTheCluster("closed", 5921)) {
      HttpResponse<String> refused = demo.get("/api/hello", "X-API-Key", "k");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(Long.parseLong(TestDemo.field(refused, "Retry-After"))).isPositive();
      assertThat(refused.body()).contains("\"status\":503", "\"policy\":\"hello\"");
      assertThat(demo.get("/health").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void openServesWithoutTheCluster() throws Exception {
    try (TestDemo demo = startAndLoseTheCluster("open", 5922)) {
      for (int i = 0; i < 8; i++) {
        assertThat(demo.get("/api/hello", "X-API-Key", "k").statusCode()).isEqualTo(200);
      }
    }
  }

  @Test
  void localLimitsOnThisNodeAlone() throws Exception {
    try (TestDemo demo = startAndLoseTheCluster("local", 5923)) {
      for (int i = 0; i < 5; i++) {
        assertThat(demo.get("/api/hello", "X-API-Key", "k").statusCode()).isEqualTo(200);
      }
      assertThat(demo.get("/api/hello", "X-API-Key", "k").statusCode()).isEqualTo(429);
    }
  }
}
