/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.annotation.RateLimit;
import java.lang.reflect.Method;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimitPolicyTest {

  static class Resource {
    @RateLimit(window = "60m", max = 1000, key = "apiKey")
    public void unnamed() {}

    @RateLimit(
        name = "search",
        window = "1m",
        max = 120,
        key = "apiKey",
        cost = 3,
        algorithm = Algorithm.TOKEN_BUCKET)
    public void named() {}

    @RateLimit(name = "w", window = "60x", max = 1, key = "ip")
    public void badWindow() {}

    @RateLimit(name = "m", window = "1s", max = -1, key = "ip")
    public void badMax() {}

    @RateLimit(name = "c", window = "1s", max = 2, cost = 3, key = "ip")
    public void costAboveMax() {}

    @RateLimit(name = "c0", window = "1s", max = 2, cost = 0, key = "ip")
    public void zeroCost() {}

    @RateLimit(name = "k", window = "1s", max = 2, key = "cookie:session")
    public void unknownKey() {}

    @RateLimit(name = "has space", window = "1s", max = 2, key = "ip")
    public void badName() {}

    @RateLimit(name = "z", window = "0ms", max = 2, key = "ip")
    public void zeroWindow() {}
  }

  @RateLimit(window = "1h", max = 5, key = "global")
  static class Annotated {}

  private static Method method(String name) throws NoSuchMethodException {
    return Resource.class.getMethod(name);
  }

  @Test
  void readsEveryAttribute() throws Exception {
    Method m = method("named");
    RateLimitPolicy policy =
        RateLimitPolicy.from(m.getAnnotation(RateLimit.class), Resource.class, m);
    assertThat(policy)
        .isEqualTo(
            new RateLimitPolicy(
                "search", Duration.ofMinutes(1), 120, "apiKey", 3, Algorithm.TOKEN_BUCKET));
  }

  @Test
  void defaultsTheNameToClassAndMethodAndTheRestToOneUnitSlidingWindow() throws Exception {
    Method m = method("unnamed");
    RateLimitPolicy policy =
        RateLimitPolicy.from(m.getAnnotation(RateLimit.class), Resource.class, m);
    assertThat(policy.name()).isEqualTo("Resource#unnamed");
    assertThat(policy.cost()).isEqualTo(1);
    assertThat(policy.algorithm()).isEqualTo(Algorithm.SLIDING_WINDOW);
    assertThat(policy.window()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void aClassLevelLimitIsNamedAfterTheClass() {
    RateLimitPolicy policy =
        RateLimitPolicy.from(Annotated.class.getAnnotation(RateLimit.class), Annotated.class, null);
    assertThat(policy.name()).isEqualTo("Annotated");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "badWindow    | window | \"60x\" is not a window",
        "badMax       | max    | max must be between 1 and 2147483647, was -1",
        "costAboveMax | cost   | cost must be between 1 and max (2), was 3",
        "zeroCost     | cost   | cost must be between 1 and max (2), was 0",
        "unknownKey   | key    | unknown key part \"cookie:session\"",
        "badName      | name   | name \"has space\" must be non-empty",
        "zeroWindow   | window | window 0ms must be whole milliseconds from 1ms to 3660d",
      })
  void invalidAnnotationsNameClassMethodAndAttribute(
      String methodName, String attribute, String why) throws Exception {
    Method m = method(methodName);
    assertThatThrownBy(
            () -> RateLimitPolicy.from(m.getAnnotation(RateLimit.class), Resource.class, m))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Invalid @RateLimit on dev.limiter.RateLimitPolicyTest$Resource#"
                + methodName
                + ", attribute "
                + attribute
                + ": ")
        .hasMessageContaining(why);
  }

  @Test
  void theConstructorValidatesToo() {
    assertThatThrownBy(
            () ->
                new RateLimitPolicy("", Duration.ofSeconds(1), 1, "ip", 1, Algorithm.FIXED_WINDOW))
        .hasMessageContaining("name \"\" must be non-empty");
    assertThatThrownBy(
            () ->
                new RateLimitPolicy(
                    "a", Duration.ofNanos(1500), 1, "ip", 1, Algorithm.FIXED_WINDOW))
        .hasMessageContaining("must be whole milliseconds");
    assertThatThrownBy(
            () ->
                new RateLimitPolicy("a", Duration.ofDays(3661), 1, "ip", 1, Algorithm.FIXED_WINDOW))
        .hasMessageContaining("from 1ms to 3660d");
    assertThatThrownBy(() -> RateLimitPolicy.of("a", "1s", 0, "ip"))
        .hasMessageContaining("max must be");
    assertThatThrownBy(() -> RateLimitPolicy.of("a", "1s", 3_000_000_000L, "ip"))
        .hasMessageContaining("max must be");
    assertThatThrownBy(() -> RateLimitPolicy.of("a", "1s", 1, "ip+"))
        .hasMessageContaining("unknown key part \"\"");
  }

  @Test
  void withMaxAndWithWindowChangeOnlyThatComponent() {
    RateLimitPolicy policy = RateLimitPolicy.of("a", "1m", 10, "ip");
    assertThat(policy.withMax(20)).isEqualTo(RateLimitPolicy.of("a", "1m", 20, "ip"));
    assertThat(policy.withWindow(Duration.ofHours(1)))
        .isEqualTo(RateLimitPolicy.of("a", "1h", 10, "ip"));
    assertThat(policy)
        .hasToString("a[window=1m, max=10, key=ip, cost=1, algorithm=SLIDING_WINDOW]");
  }
}
