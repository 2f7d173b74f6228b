/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.limiter.EndpointLimits;
import dev.limiter.RateLimitConfig;
import dev.limiter.RateLimitPolicy;
import dev.limiter.RateLimiter;
import dev.limiter.http.HttpContract;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One limiter, and so one store, per application whatever the runtime does with the feature, and
 * closed when the application is undeployed: with the Hazelcast store found on the class path,
 * whose embedded member is easy to count ({@code ratelimit.store=hazelcast}, a loopback-only
 * member; see the jaxrs-lifecycle-* executions in the pom). RESTEasy creates a class-registered
 * feature three times, which started three members that formed a cluster.
 */
@Tag("hazelcast")
@ParameterizedClass(name = "{0}")
@EnumSource(TestServer.Container.class)
class LifecycleTest {

  /** Hazelcast's INFO lines (cluster membership) are noise here; kept, or JUL forgets the level. */
  private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

  /** The container of this run of the class's tests. */
  @Parameter TestServer.Container container;

  @BeforeAll
  static void quietHazelcast() {
    HAZELCAST_LOG.setLevel(Level.WARNING);
  }

  @BeforeEach
  void noMemberYet() {
    assertThat(Hazelcast.getAllHazelcastInstances()).isEmpty();
    assertThat(liveHazelcastThreads()).isEmpty();
  }

  /** A failed test must not leave members that fail the next one. */
  @AfterEach
  void shutDownWhatATestLeft() {
    Hazelcast.shutdownAll();
  }

  private TestServer start(List<Class<?>> classes, Object... singletons) throws Exception {
    return TestServer.start(container, TestServer.application(classes, singletons));
  }

  /** The threads of Hazelcast members now. */
  private static Set<Thread> liveHazelcastThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().startsWith("hz.") && thread.isAlive())
        .collect(Collectors.toSet());
  }

  /** The threads of Hazelcast members left once those that are ending have ended. */
  private static Set<Thread> hazelcastThreadsLeft() {
    Set<Thread> threads = liveHazelcastThreads();
    for (Thread thread : threads) {
      try {
        thread.join(10_000); // a member's shutdown ends its threads; bounded, should one hang
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return threads.stream().filter(Thread::isAlive).collect(Collectors.toSet());
  }

  private static void assertServes(TestServer server, String key) throws Exception {
    HttpResponse<String> first = server.get("/hello", "X-API-Key", key);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("X-RateLimit-Remaining")).hasValue("2");
    // the methods share the one limiter: one counter, whichever feature instance has the method
    assertThat(server.get("/hello", "X-API-Key", key).headers().firstValue("X-RateLimit-Remaining"))
        .hasValue("1");
    assertThat(server.get("/by-ip").statusCode()).isEqualTo(200);
  }

  private static void assertOneMemberAlone() {
    Set<HazelcastInstance> members = Hazelcast.getAllHazelcastInstances();
    assertThat(members).hasSize(1);
    assertThat(members.iterator().next().getCluster().getMembers()).hasSize(1);
  }

  private static void assertNoMemberLeft() {
    assertThat(Hazelcast.getAllHazelcastInstances()).isEmpty();
    assertThat(hazelcastThreadsLeft()).isEmpty();
  }

  @Test
  void registeredByClassOneMemberServesTheApplicationAndUndeployStopsIt() throws Exception {
    try (TestServer server = start(List.of(Resources.Api.class, RateLimitFeature.class))) {
      assertServes(server, "class-1");
      assertOneMemberAlone();
      assertThat(liveHazelcastThreads()).isNotEmpty();
    }
    assertNoMemberLeft();
  }

  @Test
  void anInstanceWithTheDefaultsLikewise() throws Exception {
    RateLimitFeature feature = new RateLimitFeature();
    try (TestServer server = start(List.of(Resources.Api.class), feature)) {
      assertServes(server, "instance-1");
      assertOneMemberAlone();
      assertThat(feature.limiterOpen()).isTrue();
    }
    assertThat(feature.limiterOpen()).isFalse();
    assertNoMemberLeft();
  }

  /** A store the feature found for a configuration the user gave is the feature's to close. */
  @Test
  void anInstanceBuiltWithAConfigurationLikewise() throws Exception {
    RateLimitFeature feature =
        RateLimitFeature.builder().config(RateLimitConfig.load()).httpContract(contract()).build();
    try (TestServer server = start(List.of(Resources.Api.class), feature)) {
      assertServes(server, "built-1");
      assertOneMemberAlone();
    }
    assertNoMemberLeft();
  }

  private static HttpContract contract() {
    return HttpContract.from(RateLimitConfig.load());
  }

  /** A limiter the user gave is the user's to close, and stays open after undeploy. */
  @Test
  void aLimiterTheUserGaveOutlivesTheApplication() throws Exception {
    RateLimiter limiter = RateLimiter.builder().build();
    try {
      assertOneMemberAlone();
      try (TestServer server =
          start(List.of(Resources.Api.class), new RateLimitFeature(limiter, contract()))) {
        assertServes(server, "given-1");
        assertOneMemberAlone();
      }
      assertOneMemberAlone();
      EndpointLimits hello =
          limiter.limits(List.of(RateLimitPolicy.of("hello", "1m", 3, "apiKey")));
      assertThat(limiter.acquire(hello, "given-1").remaining()).isZero();
    } finally {
      limiter.close();
    }
    assertNoMemberLeft();
  }

  /** Two applications have a limiter each; undeploying one leaves the other's running. */
  @Test
  void eachApplicationHasItsOwnLimiter() throws Exception {
    try (TestServer first = start(List.of(Resources.Api.class, RateLimitFeature.class))) {
      try (TestServer second = start(List.of(Resources.Api.class, RateLimitFeature.class))) {
        assertThat(first.get("/hello", "X-API-Key", "two-1").statusCode()).isEqualTo(200);
        assertThat(second.get("/hello", "X-API-Key", "two-1").statusCode()).isEqualTo(200);
        assertThat(Hazelcast.getAllHazelcastInstances()).hasSize(2);
      }
      assertThat(Hazelcast.getAllHazelcastInstances()).hasSize(1);
      // the first application's member still decides, its counters shared with the one that left
      HttpResponse<String> third = first.get("/hello", "X-API-Key", "two-1");
      assertThat(third.statusCode()).isEqualTo(200);
      assertThat(third.headers().firstValue("X-RateLimit-Remaining")).isPresent();
    }
    assertNoMemberLeft();
  }
}
