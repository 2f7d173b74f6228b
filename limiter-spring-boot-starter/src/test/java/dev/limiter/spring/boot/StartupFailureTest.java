/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.limiter.annotation.RateLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Real Spring Boot applications on embedded Tomcat that must not start: the exception, and the
 * "APPLICATION FAILED TO START" report that Spring Boot prints from the starter's failure analyzer.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureTest {

  @RestController
  static class BadWindow {
    @GetMapping("/reports")
    @RateLimit(name = "reports", window = "60x", max = 5, key = "apiKey")
    String reports() {
      return "";
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(BadWindow.class)
  static class BadAnnotationApp {}

  @RestController
  static class Overridden {
    @GetMapping("/overridden")
    @RateLimit(name = "overridden", window = "1h", max = 100, key = "apiKey")
    String overridden() {
      return "";
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(Overridden.class)
  static class OverriddenApp {}

  private static SpringApplicationBuilder application(Class<?> type, String... profiles) {
    return new SpringApplicationBuilder(type)
        .profiles(profiles)
        .properties("server.port=0", "spring.main.banner-mode=off");
  }

  @Test
  void aBadAnnotationFailsTheStartNamingMethodAndAttribute(CapturedOutput output) {
    assertThatThrownBy(() -> application(BadAnnotationApp.class).run().close())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("RateLimitInterceptor cannot start: Invalid @RateLimit on")
        .hasMessageContaining(BadWindow.class.getName() + "#reports, attribute window")
        .hasMessageContaining("\"60x\" is not a window");
    assertThat(output.getOut() + output.getErr())
        .contains("APPLICATION FAILED TO START")
        .contains(
            "The rate limiter cannot start: Invalid @RateLimit on "
                + BadWindow.class.getName()
                + "#reports, attribute window")
        .contains("Correct the @RateLimit annotation named above");
  }

  @Test
  void aBadOverrideFailsTheStartNamingTheKeyAndTheFileItIsSetIn(CapturedOutput output) {
    assertThatThrownBy(() -> application(OverriddenApp.class, "badvalue").run().close())
        .hasMessageContaining(
            "Invalid override ratelimit.overridden.max=\"ten\" (from Spring Environment): not a"
                + " whole number");
    assertThat(output.getOut() + output.getErr())
        .contains("APPLICATION FAILED TO START")
        .contains(
            "ratelimit.overridden.max is set in class path resource"
                + " [application-badvalue.properties] - 1:");
  }
}
