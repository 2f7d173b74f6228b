/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.limiter.ManualClock;
import dev.limiter.hazelcast.HazelcastStore;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two demo servers in one JVM with {@code --store hazelcast}, each with its own embedded member on
 * loopback, joined by TCP-IP: every limit is one limit across both. Ports 5911 and 5912 leave 5701
 * to a demo a developer may be running.
 */
class DemoClusterTest {

  private static final String MEMBERS = "127.0.0.1:5911,127.0.0.1:5912";

  private static final ManualClock CLOCK = ManualClock.at(TestDemo.START);
  private static TestDemo first;
  private static TestDemo second;

  @BeforeAll
  static void startTwoNodes() throws Exception {
    first =
        TestDemo.start(
            CLOCK,
            "--store",
            "hazelcast",
            "--hazelcast-port",
            "5911",
            "--hazelcast-members",
            MEMBERS);
    second =
        TestDemo.start(
            CLOCK,
            "--store",
            "hazelcast",
            "--hazelcast-port",
            "5912",
            "--hazelcast-members",
            MEMBERS);
    HazelcastStore store = (HazelcastStore) first.server().store();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (store.instance().getCluster().getMembers().size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(store.instance().getCluster().getMembers()).hasSize(2);
  }

  @AfterAll
  static void stop() {
    if (second != null) {
      second.close();
    }
    if (first != null) {
      first.close();
    }
  }

  @Test
  void fiveHellosAcrossBothNodesThenTheSixthIsRefusedOnEither() throws Exception {
    List<String> remaining = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      TestDemo node = i % 2 == 0 ? first : second;
      HttpResponse<String> hello = node.get("/api/hello", "X-API-Key", "cluster-key");
      assertThat(hello.statusCode()).isEqualTo(200);
      remaining.add(TestDemo.field(hello, "X-RateLimit-Remaining"));
    }
    assertThat(remaining).containsExactly("4", "3", "2", "1", "0");
    assertThat(first.get("/api/hello", "X-API-Key", "cluster-key").statusCode()).isEqualTo(429);
    HttpResponse<String> refused = second.get("/api/hello", "X-API-Key", "cluster-key");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(TestDemo.field(refused, "X-RateLimit-Policy")).isEqualTo("hello");
    assertThat(second.get("/api/hello", "X-API-Key", "other-key").statusCode()).isEqualTo(200);
  }

  @Test
  void theServletFilterSharesTheClusterToo() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat((i % 2 == 0 ? second : first).get("/servlet/ping").statusCode()).isEqualTo(200);
    }
    assertThat(first.get("/servlet/ping").statusCode()).isEqualTo(429);
    assertThat(second.get("/servlet/ping").statusCode()).isEqualTo(429);
  }
}
