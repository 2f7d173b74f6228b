/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.annotation.RateLimit;
import dev.limiter.spi.RateLimitStore;
import dev.limiter.spi.StoreException;
import dev.limiter.spi.StoreProvider;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RateLimiterTest {

  private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T10:00:00Z"));
  private final MapStore store = new MapStore(clock);

  private static RateLimitConfig config(
      Map<String, String> systemProperties, Map<String, String> environment) {
    return RateLimitConfig.builder()
        .environment(environment)
        .systemProperties(systemProperties)
        .build();
  }

  private RateLimiter limiter(Map<String, String> systemProperties) {
    return RateLimiter.builder().store(store).config(config(systemProperties, Map.of())).build();
  }

  @RateLimit(name = "api", window = "1h", max = 100, key = "apiKey")
  static class Resource {
    @RateLimit(name = "search-burst", window = "1s", max = 2, key = "apiKey")
    @RateLimit(name = "search", window = "1m", max = 3, key = "apiKey")
    public void search() {}

    @RateLimit(name = "shared", window = "1m", max = 2, key = "apiKey")
    public void first() {}

    @RateLimit(name = "shared", window = "1m", max = 2, key = "apiKey", cost = 2)
    public void second() {}

    @RateLimit(name = "shared", window = "1m", max = 3, key = "apiKey")
    public void conflicting() {}

    @RateLimit(name = "shared", window = "1m", max = 2, key = "header:X-Tenant")
    public void otherKey() {}

    @RateLimit(name = "shared", window = "1m", max = 2, key = " apiKey ")
    public void sameKeyWrittenApart() {}

    @RateLimit(name = "twice", window = "1m", max = 3, key = "apiKey")
    @RateLimit(name = "twice", window = "1m", max = 3, key = "ip")
    public void twice() {}

    @RateLimit(name = "pair", window = "1m", max = 3, key = "apiKey+query:to")
    public void message() {}

    @RateLimit(name = "links", window = "1m", max = 1, key = "apiKey|ip")
    public void links() {}

    public void plain() {}
  }

  static class Unannotated {
    public void plain() {}
  }

  private static TestRequest withKey(String key) {
    return TestRequest.from("192.0.2.1").header("X-API-Key", key);
  }

  @Test
  void classLimitsComeFirstThenTheMethods() throws Exception {
    EndpointLimits limits =
        limiter(Map.of()).limitsFor(Resource.class, Resource.class.getMethod("search"));
    assertThat(limits.policies())
        .extracting(RateLimitPolicy::name)
        .containsExactly("api", "search-burst", "search");
    assertThat(
            limiter(Map.of())
                .limitsFor(Unannotated.class, Unannotated.class.getMethod("plain"))
                .isEmpty())
        .isTrue();
  }

  @Test
  void decidesAllLimitsTogetherAndReportsTheClosestToRejecting() throws Exception {
    RateLimiter limiter = limiter(Map.of());
    EndpointLimits limits = limiter.limitsFor(Resource.class, Resource.class.getMethod("search"));
    Decision first = (Decision) limiter.check(limits, withKey("k"));
    assertThat(first.allowed()).isTrue();
    assertThat(first.policy()).isEqualTo("search-burst");
    assertThat(first.remaining()).isEqualTo(1);
    assertThat(first.limits()).extracting(LimitStatus::remaining).containsExactly(99L, 1L, 2L);
    assertThat(first.epochNanos()).isEqualTo(clock.epochNanos());

    limiter.check(limits, withKey("k"));
    Decision third = (Decision) limiter.check(limits, withKey("k"));
    assertThat(third.allowed()).isFalse();
    assertThat(third.policy()).isEqualTo("search-burst");
    assertThat(third.violatedPolicies()).containsExactly("search-burst");
    // the rejected request took nothing from the limits that admitted it
    assertThat(third.limits()).extracting(LimitStatus::remaining).containsExactly(98L, 0L, 1L);

    clock.advance(Duration.ofSeconds(2));
    Decision fourth = (Decision) limiter.check(limits, withKey("k"));
    assertThat(fourth.allowed()).isTrue();
    assertThat(fourth.policy()).isEqualTo("search");
    assertThat(fourth.remaining()).isZero();
    clock.advance(Duration.ofSeconds(2));
    Decision fifth = (Decision) limiter.check(limits, withKey("k"));
    assertThat(fifth.allowed()).isFalse();
    assertThat(fifth.violatedPolicies()).containsExactly("search");
    assertThat(fifth.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(61_200));
  }

  @Test
  void whenSeveralLimitsRejectTheLongestWaitIsReportedAndAllAreListed() {
    RateLimiter limiter = limiter(Map.of());
    EndpointLimits limits =
        limiter.limits(
            List.of(
                RateLimitPolicy.of("per-second", "1s", 1, "apiKey"),
                RateLimitPolicy.of("per-minute", "1m", 1, "apiKey")));
    assertThat(limiter.acquire(limits, "k", "k").allowed()).isTrue();
    Decision d = limiter.acquire(limits, "k", "k");
    assertThat(d.allowed()).isFalse();
    assertThat(d.violatedPolicies()).containsExactly("per-second", "per-minute");
    assertThat(d.policy()).isEqualTo("per-minute");
    assertThat(d.retryAfter()).isGreaterThan(Duration.ofSeconds(59));
  }

  @Test
  void sharedNamesShareOneCounterAcrossMethods() throws Exception {
    RateLimiter limiter = limiter(Map.of());
    EndpointLimits first = limiter.limitsFor(Resource.class, Resource.class.getMethod("first"));
    EndpointLimits second = limiter.limitsFor(Resource.class, Resource.class.getMethod("second"));
    assertThat(((Decision) limiter.check(second, withKey("k"))).allowed()).isTrue();
    Decision d = (Decision) limiter.check(first, withKey("k"));
    assertThat(d.allowed()).isFalse();
    assertThat(d.violatedPolicies()).containsExactly("shared");
  }

  @Test
  void conflictingSettingsUnderOneNameFailNamingBothPlaces() throws Exception {
    RateLimiter limiter = limiter(Map.of());
    limiter.limitsFor(Resource.class, Resource.class.getMethod("first"));
    assertThatThrownBy(
            () -> limiter.limitsFor(Resource.class, Resource.class.getMethod("conflicting")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("policy \"shared\" is declared as")
        .hasMessageContaining("RateLimiterTest$Resource#first")
        .hasMessageContaining("RateLimiterTest$Resource#conflicting");
  }

  /**
   * One name is one counter namespace: with {@code ip} on one endpoint and {@code header:X-Tenant}
   * on another, a client sending {@code X-Tenant: 203.0.113.7} would spend the quota of the client
   * at that address.
   */
  @Test
  void oneNameWithTwoKeyExpressionsFailsNamingBothPlaces() throws Exception {
    RateLimiter limiter = limiter(Map.of());
    limiter.limitsFor(Resource.class, Resource.class.getMethod("first"));
    limiter.limitsFor(Resource.class, Resource.class.getMethod("sameKeyWrittenApart"));
    assertThatThrownBy(
            () -> limiter.limitsFor(Resource.class, Resource.class.getMethod("otherKey")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("policy \"shared\" is declared as")
        .hasMessageContaining("key=apiKey")
        .hasMessageContaining("key=header:X-Tenant")
        .hasMessageContaining("RateLimiterTest$Resource#first")
        .hasMessageContaining("RateLimiterTest$Resource#otherKey")
        .hasMessageContaining("same window, max, algorithm, key and counted statuses");
  }

  @Test
  void oneNameTwiceOnAnEndpointFails() {
    assertThatThrownBy(
            () -> limiter(Map.of()).limitsFor(Resource.class, Resource.class.getMethod("twice")))
        .hasMessageContaining(
            "policy \"twice\" is declared twice on dev.limiter.RateLimiterTest$Resource#twice");
  }

  @Test
  void aMissingKeyIsAnsweredAndNothingIsCounted() throws Exception {
    RateLimiter limiter = limiter(Map.of());
    EndpointLimits pair = limiter.limitsFor(Resource.class, Resource.class.getMethod("message"));
    assertThat(limiter.check(pair, withKey("k")))
        .isEqualTo(new MissingKey("pair", "query parameter to", false));
    assertThat(limiter.check(pair, TestRequest.from("192.0.2.1").query("to", "bob")))
        .isEqualTo(new MissingKey("api", "an API key in header X-API-Key", true));
    assertThat(store.size()).isZero();
  }

  @Test
  void perPairKeysCountEachPairSeparately() throws Exception {
    RateLimiter limiter = limiter(Map.of("ratelimit.api.max", "1000"));
    EndpointLimits pair = limiter.limitsFor(Resource.class, Resource.class.getMethod("message"));
    for (int i = 0; i < 3; i++) {
      assertThat(((Decision) limiter.check(pair, withKey("k").query("to", "bob"))).allowed())
          .isTrue();
    }
    assertThat(((Decision) limiter.check(pair, withKey("k").query("to", "bob"))).allowed())
        .isFalse();
    assertThat(((Decision) limiter.check(pair, withKey("k").query("to", "carol"))).allowed())
        .isTrue();
    assertThat(store.has("pair:k+bob")).isTrue();
  }

  @Test
  void anonymousCallersAreLimitedByAddressBesideKeyedOnes() {
    RateLimiter limiter = limiter(Map.of());
    EndpointLimits links =
        limiter.limits(List.of(RateLimitPolicy.of("links", "1m", 1, "apiKey|ip")));
    assertThat(((Decision) limiter.check(links, TestRequest.from("203.0.113.4"))).allowed())
        .isTrue();
    assertThat(((Decision) limiter.check(links, TestRequest.from("203.0.113.4"))).allowed())
        .isFalse();
    assertThat(((Decision) limiter.check(links, TestRequest.from("203.0.113.5"))).allowed())
        .isTrue();
    assertThat(((Decision) limiter.check(links, withKey("k"))).allowed()).isTrue();
    assertThat(store.has("links:ip=203.0.113.4")).isTrue();
    assertThat(store.has("links:k")).isTrue();
  }

  @Test
  void overridesComeFromConfigurationByPolicyName() throws Exception {
    RateLimiter limiter =
        RateLimiter.builder()
            .store(store)
            .config(
                config(
                    Map.of("ratelimit.search.max", "7"),
                    Map.of("RATELIMIT_SEARCH_BURST_WINDOW", "10s")))
            .build();
    EndpointLimits limits = limiter.limitsFor(Resource.class, Resource.class.getMethod("search"));
    assertThat(limits.policies().get(2).max()).isEqualTo(7);
    assertThat(limits.policies().get(1).window()).isEqualTo(Duration.ofSeconds(10));
    assertThat(limits.policies().get(0).max()).isEqualTo(100);
  }

  @Test
  void invalidOverridesNameTheKeyTheValueAndWhereTheValueCameFrom() {
    assertThatThrownBy(
            () ->
                limiter(Map.of("ratelimit.search.max", "many"))
                    .limitsFor(Resource.class, Resource.class.getMethod("search")))
        .hasMessage(
            "Invalid override ratelimit.search.max=\"many\" (from system property"
                + " ratelimit.search.max): not a whole number");
    assertThatThrownBy(
            () ->
                limiter(Map.of("ratelimit.search.window", "1 minute"))
                    .limitsFor(Resource.class, Resource.class.getMethod("search")))
        .hasMessageStartingWith(
            "Invalid override ratelimit.search.window=\"1 minute\" (from system property"
                + " ratelimit.search.window): \"1 minute\" is not a window");
    RateLimiter fromEnvironment =
        RateLimiter.builder()
            .store(store)
            .config(config(Map.of(), Map.of("RATELIMIT_SEARCH_MAX", "-3")))
            .build();
    assertThatThrownBy(
            () -> fromEnvironment.limitsFor(Resource.class, Resource.class.getMethod("search")))
        .hasMessageStartingWith(
            "Invalid override ratelimit.search.max=\"-3\" (from environment variable"
                + " RATELIMIT_SEARCH_MAX):");
  }

  @Test
  void anInvalidOverrideInThePropertiesFileNamesTheFile(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("limits.properties");
    java.nio.file.Files.writeString(file, "ratelimit.search.max=ten\n");
    RateLimiter limiter =
        RateLimiter.builder()
            .store(store)
            .config(
                RateLimitConfig.builder()
                    .environment(Map.of())
                    .systemProperties(Map.of())
                    .file(file)
                    .build())
            .build();
    assertThatThrownBy(() -> limiter.limitsFor(Resource.class, Resource.class.getMethod("search")))
        .hasMessage(
            "Invalid override ratelimit.search.max=\"ten\" (from file "
                + file.toAbsolutePath()
                + "):"
                + " not a whole number");
  }

  @Test
  void perKeyLimitsComeFromTheLimitResolverAndUsedUnitsCarryOver() {
    long[] bonus = {0};
    RateLimiter limiter =
        RateLimiter.builder()
            .store(store)
            .config(config(Map.of(), Map.of()))
            .limitResolver(
                (policy, key) ->
                    key.startsWith("gold-") ? policy.max() * 10 : policy.max() + bonus[0])
            .build();
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("hourly", "1h", 2, "apiKey")));
    for (int i = 0; i < 20; i++) {
      assertThat(limiter.acquire(limits, "gold-1").allowed()).isTrue();
    }
    Decision gold = limiter.acquire(limits, "gold-1");
    assertThat(gold.allowed()).isFalse();
    assertThat(gold.limit()).isEqualTo(20);
    limiter.acquire(limits, "basic");
    limiter.acquire(limits, "basic");
    assertThat(limiter.acquire(limits, "basic").allowed()).isFalse();
    bonus[0] = 1; // an upgrade: the two used units still count against the new limit of 3
    Decision upgraded = limiter.acquire(limits, "basic");
    assertThat(upgraded.allowed()).isTrue();
    assertThat(upgraded.limit()).isEqualTo(3);
    assertThat(upgraded.remaining()).isZero();
  }

  @Test
  void aLimitResolverOutOfRangeIsABugNamedClearly() {
    RateLimiter limiter =
        RateLimiter.builder()
            .store(store)
            .config(config(Map.of(), Map.of()))
            .limitResolver((p, k) -> -1)
            .build();
    EndpointLimits limits = limiter.limits(List.of(RateLimitPolicy.of("p", "1h", 2, "apiKey")));
    assertThatThrownBy(() -> limiter.acquire(limits, "k"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "the LimitResolver returned -1 for policy p; a limit is from 0 to 2147483647, or"
                + " LimitResolver.UNLIMITED to exempt the key");
  }

  @Test
  void longKeysAreStoredByDigestButResolvedWhole() {
    String[] seen = new String[1];
    RateLimiter limiter =
        RateLimiter.builder()
            .store(store)
            .config(config(Map.of(), Map.of()))
            .limitResolver(
                (policy, key) -> {
                  seen[0] = key;
                  return key.startsWith("gold-") ? 10 : 1;
                })
            .build();
    EndpointLimits limits = limiter.limits(List.of(RateLimitPolicy.of("p", "1h", 1, "apiKey")));
    String huge = "gold-" + "k".repeat(10_000);
    assertThat(limiter.check(limits, withKey(huge))).isInstanceOf(Decision.class);
    assertThat(seen[0]).isEqualTo(huge);
    assertThat(((Decision) limiter.check(limits, withKey(huge))).limit()).isEqualTo(10);
    String digest = RateLimiter.digest(huge);
    assertThat(digest).startsWith("=").hasSize(1 + 43).matches("=[A-Za-z0-9_-]{43}");
    assertThat(store.has("p:" + digest)).isTrue();
    assertThat(store.size()).isEqualTo(1);
    assertThat(RateLimiter.digest(huge + "x")).isNotEqualTo(digest);
    String exact = "k".repeat(RateLimiter.MAX_KEY_LENGTH);
    limiter.acquire(limits, exact);
    assertThat(store.has("p:" + exact)).isTrue();
    limiter.acquire(limits, exact + "k");
    assertThat(store.has("p:" + RateLimiter.digest(exact + "k"))).isTrue();
  }

  /**
   * Keys were kept as sent up to 256 characters: a million keys of 250 characters retained about
   * 485 MB. Whatever a client sends, a store key is now at most the policy name, a colon and 64
   * characters.
   */
  @Test
  void whateverTheClientSendsAStoreKeyIsShort() {
    RateLimiter limiter = limiter(Map.of());
    EndpointLimits limits =
        limiter.limits(List.of(RateLimitPolicy.of("p", "1h", 5, "apiKey+query:to")));
    java.util.Random random = new java.util.Random(7);
    for (int length : new int[] {1, 63, 64, 65, 200, 250, 256, 257, 8_000}) {
      StringBuilder key = new StringBuilder();
      for (int i = 0; i < length; i++) {
        key.append(
            (char)
                (random.nextBoolean() ? 'a' + random.nextInt(26) : 0x4E00 + random.nextInt(500)));
      }
      assertThat(limiter.check(limits, withKey(key.toString()).query("to", "bob")))
          .isInstanceOf(Decision.class);
    }
    assertThat(store.keys())
        .allSatisfy(key -> assertThat(key.length()).isLessThanOrEqualTo(2 + 64))
        .allSatisfy(key -> assertThat(RateLimiter.tooLong(key.substring(2))).isFalse());
    assertThat(store.size()).isEqualTo(9);
    assertThat(RateLimiter.tooLong("k".repeat(64))).isFalse();
    assertThat(RateLimiter.tooLong("k".repeat(65))).isTrue();
    assertThat(RateLimiter.tooLong("\u4e00".repeat(32))).isFalse();
    assertThat(RateLimiter.tooLong("\u4e00" + "k".repeat(32))).isTrue();
  }

  @Test
  void acquireChecksItsKeys() {
    RateLimiter limiter = limiter(Map.of());
    EndpointLimits limits = limiter.limits(List.of(RateLimitPolicy.of("p", "1h", 2, "apiKey")));
    assertThatThrownBy(() -> limiter.acquire(limits, "a", "b"))
        .hasMessage("expected 1 keys, one per policy, got 2");
    assertThatThrownBy(() -> limiter.acquire(limits, "")).hasMessage("key 0 for policy p is empty");
  }

  @Test
  void theApiKeyHeaderAndTrustedProxiesAreConfigurable() {
    RateLimiter limiter =
        limiter(
            Map.of(
                "ratelimit.api-key-header",
                "Authorization-Key",
                "ratelimit.trusted-proxies",
                "10.0.0.0/8"));
    EndpointLimits byKey = limiter.limits(List.of(RateLimitPolicy.of("k", "1h", 1, "apiKey")));
    EndpointLimits byIp = limiter.limits(List.of(RateLimitPolicy.of("i", "1h", 1, "ip")));
    assertThat(limiter.apiKeyHeader()).isEqualTo("Authorization-Key");
    assertThat(
            limiter.check(byKey, TestRequest.from("10.0.0.1").header("Authorization-Key", "abc")))
        .isInstanceOf(Decision.class);
    limiter.check(byIp, TestRequest.from("10.0.0.1").header("X-Forwarded-For", "203.0.113.50"));
    assertThat(store.has("i:203.0.113.50")).isTrue();
  }

  @Test
  void aStoreThatCannotDecideYieldsStoreUnavailableAndGivesBackWhatWasTaken() {
    RateLimitStore failing =
        (key, step, result) -> {
          if (key.startsWith("second:")) {
            throw new StoreException(
                "cluster unreachable", new RuntimeException("timeout"), Duration.ofSeconds(3));
          }
          store.apply(key, step, result);
        };
    RateLimiter limiter =
        RateLimiter.builder().store(failing).config(config(Map.of(), Map.of())).build();
    EndpointLimits limits =
        limiter.limits(
            List.of(
                RateLimitPolicy.of("first", "1h", 1, "apiKey"),
                RateLimitPolicy.of("second", "1h", 1, "apiKey")));
    assertThat(limiter.check(limits, withKey("k")))
        .isEqualTo(new StoreUnavailable("second", Duration.ofSeconds(3)));
    assertThat(limiter.check(limits, withKey("k")))
        .isEqualTo(new StoreUnavailable("second", Duration.ofSeconds(3)));
    EndpointLimits firstOnly =
        limiter.limits(List.of(RateLimitPolicy.of("first", "1h", 1, "apiKey")));
    assertThat(limiter.acquire(firstOnly, "k").remaining())
        .isZero(); // the one unit was still there
    assertThatThrownBy(() -> limiter.acquire(limits, "k2", "k2"))
        .isInstanceOf(StoreException.class)
        .hasMessage("cluster unreachable");
  }

  @Test
  void withoutAStoreOnTheClassPathStartupSaysWhatToAdd() {
    assertThatThrownBy(() -> RateLimiter.builder().config(config(Map.of(), Map.of())).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "no rate-limit store on the class path: add dev.limiter:caffeine-store");
    assertThatThrownBy(
            () ->
                RateLimiter.builder()
                    .config(config(Map.of("ratelimit.store", "redis"), Map.of()))
                    .build())
        .hasMessageContaining("ratelimit.store=redis, but the stores on the class path are []");
  }

  /** The message names every way to choose: the filter's init-param, Spring's property, ... */
  @Test
  void withTwoStoresOnTheClassPathStartupSaysHowToChooseOne(@TempDir Path dir) throws Exception {
    Path services = Files.createDirectories(dir.resolve("META-INF/services"));
    Files.writeString(
        services.resolve(StoreProvider.class.getName()),
        TestStoreProviders.First.class.getName()
            + "\n"
            + TestStoreProviders.Second.class.getName()
            + "\n");
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader twoStores =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      thread.setContextClassLoader(twoStores);

      assertThatThrownBy(() -> RateLimiter.builder().config(config(Map.of(), Map.of())).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "several rate-limit stores are on the class path: [first, second]; choose one with"
                  + " ratelimit.store, as an <init-param> ratelimit.store of the servlet filter,"
                  + " ratelimit.store=first in application.properties (Spring) or"
                  + " ratelimit.properties, -Dratelimit.store=first, or RATELIMIT_STORE=first");
      try (RateLimiter chosen =
          RateLimiter.builder()
              .config(config(Map.of("ratelimit.store", "second"), Map.of()))
              .build()) {
        assertThat(chosen.config().get("ratelimit.store")).contains("second");
      }
    } finally {
      thread.setContextClassLoader(previous);
    }
  }
}
