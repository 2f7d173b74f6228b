/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RateLimitConfigTest {

  @TempDir Path dir;

  private Path file(String content) throws Exception {
    Path file = dir.resolve("limits.properties");
    Files.writeString(file, content);
    return file;
  }

  @Test
  void laterSourcesWin() throws Exception {
    Path file =
        file("ratelimit.a.max=1\nratelimit.b.max=1\nratelimit.c.max=1\nratelimit.d.max=1\n");
    RateLimitConfig config =
        RateLimitConfig.builder()
            .file(file)
            .set("ratelimit.b.max", "2")
            .set("ratelimit.c.max", "2")
            .set("ratelimit.d.max", "2")
            .environment(Map.of("RATELIMIT_C_MAX", "3", "RATELIMIT_D_MAX", "3"))
            .systemProperties(Map.of("ratelimit.d.max", " 4 "))
            .build();
    assertThat(config.get("ratelimit.a.max")).contains("1");
    assertThat(config.get("ratelimit.b.max")).contains("2");
    assertThat(config.get("ratelimit.c.max")).contains("3");
    assertThat(config.get("ratelimit.d.max")).contains("4");
    assertThat(config.get("ratelimit.e.max")).isEmpty();
    assertThat(config.get("ratelimit.e.max", "x")).isEqualTo("x");
  }

  @Test
  void environmentNamesUpperCaseAndReplaceSeparators() {
    assertThat(RateLimitConfig.environmentName("ratelimit.search-burst.max"))
        .isEqualTo("RATELIMIT_SEARCH_BURST_MAX");
    assertThat(RateLimitConfig.environmentName("ratelimit.Search#find.window"))
        .isEqualTo("RATELIMIT_SEARCH_FIND_WINDOW");
  }

  @Test
  void ratelimitConfigNamesTheFile() throws Exception {
    Path file = file("ratelimit.headers=ietf\n");
    RateLimitConfig fromProperty =
        RateLimitConfig.builder()
            .environment(Map.of())
            .systemProperties(Map.of("ratelimit.config", file.toString()))
            .build();
    assertThat(fromProperty.get("ratelimit.headers")).contains("ietf");
    RateLimitConfig fromEnvironment =
        RateLimitConfig.builder()
            .environment(Map.of("RATELIMIT_CONFIG", file.toString()))
            .systemProperties(Map.of())
            .build();
    assertThat(fromEnvironment.get("ratelimit.headers")).contains("ietf");
  }

  @Test
  void aNamedFileThatCannotBeReadFailsClearly() {
    Path missing = dir.resolve("nope.properties");
    assertThatThrownBy(
            () ->
                RateLimitConfig.builder()
                    .environment(Map.of())
                    .systemProperties(Map.of("ratelimit.config", missing.toString()))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot read the rate-limit configuration file")
        .hasMessageContaining("nope.properties");
  }

  @Test
  void propertiesFromAStreamTakeThePlaceOfTheFileAndKeepTheirSourceName() {
    RateLimitConfig config =
        RateLimitConfig.builder()
            .environment(Map.of("RATELIMIT_B_MAX", "3"))
            .systemProperties(Map.of("ratelimit.config", dir.resolve("ignored").toString()))
            .properties(
                stream("ratelimit.a.max=1\nratelimit.b.max=1\nratelimit.c.max=x\n"),
                "/WEB-INF/ratelimit.properties in the web application")
            .build();

    assertThat(config.get("ratelimit.a.max")).contains("1");
    assertThat(config.get("ratelimit.b.max")).contains("3");
    assertThat(config.get("ratelimit.from-classpath.max")).isEmpty();
    assertThat(config.sourceOf("ratelimit.a.max"))
        .isEqualTo("/WEB-INF/ratelimit.properties in the web application");
    assertThatThrownBy(() -> config.getLong("ratelimit.c.max", 1))
        .hasMessage(
            "configuration ratelimit.c.max=\"x\" (from /WEB-INF/ratelimit.properties in the web"
                + " application) is not a whole number");
  }

  @Test
  void theLastOfFileAndPropertiesWins() throws Exception {
    Path file = file("ratelimit.a.max=1\n");
    RateLimitConfig streamLast =
        RateLimitConfig.builder()
            .environment(Map.of())
            .systemProperties(Map.of())
            .file(file)
            .properties(stream("ratelimit.a.max=2\n"), "the stream")
            .build();
    RateLimitConfig fileLast =
        RateLimitConfig.builder()
            .environment(Map.of())
            .systemProperties(Map.of())
            .properties(stream("ratelimit.a.max=2\n"), "the stream")
            .file(file)
            .build();

    assertThat(streamLast.get("ratelimit.a.max")).contains("2");
    assertThat(fileLast.get("ratelimit.a.max")).contains("1");
    assertThat(fileLast.sourceOf("ratelimit.a.max")).isEqualTo("file " + file.toAbsolutePath());
  }

  @Test
  void aStreamThatCannotBeReadFailsNamingItsSource() {
    InputStream broken =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("the disk is gone");
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            throw new IOException("the disk is gone");
          }
        };

    assertThatThrownBy(() -> RateLimitConfig.builder().properties(broken, "/WEB-INF/x.properties"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "cannot read the rate-limit configuration /WEB-INF/x.properties: the disk is gone");
    assertThatThrownBy(
            () -> RateLimitConfig.builder().properties(stream("a=\\u12"), "/WEB-INF/y.properties"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot read the rate-limit configuration /WEB-INF/y.properties: ");
  }

  private static InputStream stream(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void readsRatelimitPropertiesFromTheClassPath() {
    RateLimitConfig config =
        RateLimitConfig.builder().environment(Map.of()).systemProperties(Map.of()).build();
    assertThat(config.get("ratelimit.from-classpath.max")).contains("7");
  }

  @Test
  void wholeNumbersAreCheckedNamingTheKey() {
    RateLimitConfig config =
        RateLimitConfig.builder()
            .environment(Map.of())
            .systemProperties(Map.of())
            .set("ratelimit.caffeine.maximum-size", "lots")
            .build();
    assertThat(config.getLong("ratelimit.other", 5)).isEqualTo(5);
    assertThatThrownBy(() -> config.getLong("ratelimit.caffeine.maximum-size", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "configuration ratelimit.caffeine.maximum-size=\"lots\" (from code) is not a whole"
                + " number");
  }

  @Test
  void eachValueKnowsItsSource() {
    RateLimitConfig config =
        RateLimitConfig.builder()
            .environment(Map.of("RATELIMIT_A", "1"))
            .systemProperties(Map.of("ratelimit.b", "2"))
            .set("ratelimit.c", "3")
            .valuesFrom("init-param of filter rate-limit")
            .build();
    assertThat(config.sourceOf("ratelimit.a")).isEqualTo("environment variable RATELIMIT_A");
    assertThat(config.sourceOf("ratelimit.b")).isEqualTo("system property ratelimit.b");
    assertThat(config.sourceOf("ratelimit.c")).isEqualTo("init-param of filter rate-limit");
    assertThat(config.sourceOf("ratelimit.from-classpath.max"))
        .startsWith("ratelimit.properties on the class path (")
        .endsWith("ratelimit.properties)");
    assertThat(config.sourceOf("ratelimit.none")).isEqualTo("no source");
  }
}
